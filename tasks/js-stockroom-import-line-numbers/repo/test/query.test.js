import { test } from "node:test";
import assert from "node:assert/strict";
import { compileQuery, filterRows, parseTerm, tokenize } from "../src/query.js";
import { ParseError } from "../src/errors.js";

const rows = [
  { sku: "MUG-1001", name: "Red mug", qty: 12, location: "A-01-02", tags: ["kitchen", "fragile"] },
  { sku: "MUG-1002", name: "Blue mug", qty: 3, location: "B-04-01", tags: ["kitchen"] },
  { sku: "FLR-0200", name: "Flour", qty: 80, location: "RECV", tags: ["food"] },
];

test("terms are ANDed", () => {
  assert.deepEqual(filterRows(rows, "sku:MUG-* qty>5").map((r) => r.sku), ["MUG-1001"]);
  assert.deepEqual(filterRows(rows, "tag:kitchen").map((r) => r.sku), ["MUG-1001", "MUG-1002"]);
  assert.deepEqual(filterRows(rows, "").length, 3);
});

test("negation, zone and quoted values", () => {
  assert.deepEqual(filterRows(rows, "-zone:RECV").map((r) => r.sku), ["MUG-1001", "MUG-1002"]);
  assert.deepEqual(filterRows(rows, 'name:"blue mug"').map((r) => r.sku), ["MUG-1002"]);
  assert.equal(compileQuery("qty<=3")(rows[1]), true);
});

test("tokenizer and term errors", () => {
  assert.deepEqual(tokenize('a:1 name:"x y"').map((t) => t.text), ["a:1", "x y"].map((v, i) => (i === 0 ? v : "name:x y")));
  assert.throws(() => parseTerm("justaword"), ParseError);
  assert.throws(() => tokenize('name:"open'), ParseError);
});
