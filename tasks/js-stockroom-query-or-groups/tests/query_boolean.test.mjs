import { test } from "node:test";
import assert from "node:assert/strict";
import { Catalog, Ledger, ParseError, compileQuery, evaluate, filterRows, parseQuery, stockRows, movementRows } from "/repo/src/index.js";

const ROWS = [
  { sku: "JAR-2001", name: "Glass jar", qty: 40, location: "A-02-01", tags: ["glass", "kitchen"] },
  { sku: "JAR-2002", name: "Jar lid", qty: 5, location: "Z-01-01", tags: ["kitchen"] },
  { sku: "VAS-3100", name: "Vase (tall)", qty: 2, location: "Z-03-04", tags: ["glass", "fragile"] },
  { sku: "PLT-0450", name: "Plate", qty: 17, location: "B-01-02", tags: ["fragile", "kitchen"] },
  { sku: "BRM-0900", name: "Broom", qty: 9, location: "RECV", tags: ["cleaning"] },
];
const skus = (query) => filterRows(ROWS, query).map((r) => r.sku);

test("query: OR matches either side", () => {
  assert.deepEqual(skus("tag:cleaning OR sku:PLT-*"), ["PLT-0450", "BRM-0900"]);
  assert.deepEqual(skus("qty>30 OR qty<3 OR zone:RECV"), ["JAR-2001", "VAS-3100", "BRM-0900"]);
});

test("query: AND binds tighter than OR", () => {
  // means zone:Z OR (tag:fragile AND qty>10)
  assert.deepEqual(skus("zone:Z OR tag:fragile qty>10"), ["JAR-2002", "VAS-3100", "PLT-0450"]);
  assert.deepEqual(skus("tag:fragile qty>10 OR zone:RECV"), ["PLT-0450", "BRM-0900"]);
  assert.deepEqual(skus("tag:kitchen AND qty<10 OR tag:cleaning"), ["JAR-2002", "BRM-0900"]);
});

test("query: parentheses group", () => {
  assert.deepEqual(skus("(zone:Z OR tag:fragile) qty>3"), ["JAR-2002", "PLT-0450"]);
  assert.deepEqual(skus("(tag:glass OR tag:cleaning) AND NOT zone:Z"), ["JAR-2001", "BRM-0900"]);
  assert.deepEqual(skus("( tag:glass )"), ["JAR-2001", "VAS-3100"]);
});

test("query: nested groups and NOT", () => {
  assert.deepEqual(skus("NOT (tag:kitchen OR (zone:Z qty<5))"), ["BRM-0900"]);
  assert.deepEqual(skus("((tag:fragile) OR (sku:JAR-* AND (qty>=40 OR zone:Z))) -tag:glass"), ["JAR-2002", "PLT-0450"]);
  assert.deepEqual(skus("NOT NOT tag:cleaning"), ["BRM-0900"]);
});

test("query: NOT binds tighter than AND and OR", () => {
  // (NOT tag:kitchen) OR qty>30
  assert.deepEqual(skus("NOT tag:kitchen OR qty>30"), ["JAR-2001", "VAS-3100", "BRM-0900"]);
  assert.deepEqual(skus("NOT tag:kitchen tag:glass"), ["VAS-3100"]);
});

test("query: parseQuery builds or nodes and evaluate understands them", () => {
  const tree = parseQuery("sku:A OR sku:B");
  assert.equal(tree.type, "or");
  assert.equal(tree.parts.length, 2);
  assert.deepEqual(tree.parts.map((p) => p.type), ["term", "term"]);
  assert.equal(evaluate(tree, { sku: "B" }), true);
  assert.equal(evaluate(tree, { sku: "C" }), false);
  const three = parseQuery("sku:A OR sku:B sku:C OR sku:D");
  assert.equal(three.type, "or");
  assert.deepEqual(three.parts.map((p) => p.type), ["term", "and", "term"]);
  assert.equal(compileQuery("(sku:X OR sku:Y) qty>1")({ sku: "Y", qty: 2 }), true);
});

test("query: keywords only as separate upper-case words", () => {
  const rows = [
    { sku: "A", name: "OR", ref: "NOT" },
    { sku: "B", name: "AND", ref: "x" },
  ];
  assert.deepEqual(filterRows(rows, "name:OR").map((r) => r.sku), ["A"]);
  assert.deepEqual(filterRows(rows, 'ref:"NOT" OR name:AND').map((r) => r.sku), ["A", "B"]);
  assert.throws(() => filterRows(rows, "name:x or name:y"), ParseError);
});

test("query: malformed boolean queries are a ParseError", () => {
  for (const bad of ["(tag:glass", "tag:glass)", "((tag:glass)", "tag:x OR", "OR tag:x", "tag:x AND OR tag:y", "NOT", "()", "tag:x (", "tag:x OR OR tag:y", "tag:x AND"]) {
    assert.throws(() => parseQuery(bad), ParseError, `expected a ParseError for ${JSON.stringify(bad)}`);
  }
});

test("query: OR in the stock report and movement filters", () => {
  const ledger = new Ledger(
    new Catalog([
      { sku: "JAR-2001", name: "Glass jar", tags: ["glass"] },
      { sku: "PLT-0450", name: "Plate", tags: ["fragile"] },
      { sku: "BRM-0900", name: "Broom", tags: ["cleaning"] },
    ]),
  );
  for (const sku of ["JAR-2001", "PLT-0450", "BRM-0900"]) {
    ledger.receive(sku, 4, { date: "2024-06-01", location: "C-01-01" });
  }
  ledger.issue("PLT-0450", 1, { date: "2024-06-02", location: "C-01-01", ref: "SO-9" });
  const rows = stockRows(ledger, { where: "tag:glass OR tag:fragile" });
  assert.deepEqual(rows.map((r) => r.sku), ["JAR-2001", "PLT-0450"]);
  const moves = movementRows(ledger, { where: "type:issue OR (type:receipt sku:BRM-*)" });
  assert.deepEqual(moves.map((m) => `${m.type}:${m.sku}`), ["receipt:BRM-0900", "issue:PLT-0450"]);
});

test("query: plain AND queries behave as before", () => {
  assert.deepEqual(skus("tag:kitchen qty>=5 -zone:Z"), ["JAR-2001", "PLT-0450"]);
  assert.deepEqual(skus(""), ROWS.map((r) => r.sku));
  assert.deepEqual(parseQuery(""), { type: "all" });
  assert.deepEqual(parseQuery("qty>2").type, "term");
  assert.throws(() => parseQuery("nonsense"), ParseError);
});

test("query: quoted values may contain parentheses", () => {
  assert.deepEqual(skus('name:"vase (tall)"'), ["VAS-3100"]);
  assert.deepEqual(skus('name:"*(tall)*" qty<3'), ["VAS-3100"]);
});
