import { test } from "node:test";
import assert from "node:assert/strict";
import { Catalog, Ledger, StockError, ValidationError, dumpWorkspace, loadWorkspace, parseWorkspace, runCli, stockRows, suggestReorders } from "/repo/src/index.js";

function shop() {
  const catalog = new Catalog([
    { sku: "CUP-0001", name: "Cup", reorderPoint: 10, leadTimeDays: 4, orderUnit: "tray", packs: [["tray", 8]] },
    { sku: "SAU-0002", name: "Saucer", reorderPoint: 0 },
  ]);
  const ledger = new Ledger(catalog);
  ledger.receive("CUP-0001", 30, { date: "2024-04-01", location: "A-01-01" });
  ledger.receive("SAU-0002", 12, { date: "2024-04-01", location: "A-01-02" });
  return ledger;
}

test("reserve: reserved stock is not available but still on hand", () => {
  const ledger = shop();
  assert.deepEqual(ledger.reserve("cup-0001", 7, "SO-71"), { sku: "CUP-0001", qty: 7, ref: "SO-71" });
  ledger.reserve("CUP-0001", 5, "SO-72");
  assert.equal(ledger.reserved("CUP-0001"), 12);
  assert.equal(ledger.available("CUP-0001"), 18);
  assert.equal(ledger.onHand("CUP-0001"), 30);
  assert.equal(ledger.reserved("SAU-0002"), 0);
  assert.equal(ledger.available("SAU-0002"), 12);
});

test("reserve: more than available is a StockError", () => {
  const ledger = shop();
  ledger.reserve("CUP-0001", 25, "SO-1");
  assert.throws(() => ledger.reserve("CUP-0001", 6, "SO-2"), StockError);
  assert.equal(ledger.reserved("CUP-0001"), 25);
  ledger.reserve("CUP-0001", 5, "SO-3");
  assert.equal(ledger.available("CUP-0001"), 0);
});

test("reserve: bad quantities and references are a ValidationError", () => {
  const ledger = shop();
  ledger.reserve("SAU-0002", 2, "SO-9");
  assert.throws(() => ledger.reserve("SAU-0002", 0, "SO-10"), ValidationError);
  assert.throws(() => ledger.reserve("SAU-0002", -3, "SO-11"), ValidationError);
  assert.throws(() => ledger.reserve("SAU-0002", 1, ""), ValidationError);
  assert.throws(() => ledger.reserve("SAU-0002", 1, "SO-9"), ValidationError);
  assert.equal(ledger.reserved("SAU-0002"), 2);
});

test("reserve: an issue with the order's ref consumes the reservation", () => {
  const ledger = shop();
  ledger.reserve("CUP-0001", 9, "SO-5");
  ledger.issue("CUP-0001", 4, { location: "A-01-01", date: "2024-04-02", ref: "SO-5" });
  assert.equal(ledger.reserved("CUP-0001"), 5);
  assert.equal(ledger.available("CUP-0001"), 21);
  ledger.issue("CUP-0001", 8, { location: "A-01-01", date: "2024-04-03", ref: "SO-5" });
  assert.equal(ledger.reserved("CUP-0001"), 0);
  assert.equal(ledger.available("CUP-0001"), 18);
  assert.equal(ledger.release("SO-5"), false);
  ledger.reserve("CUP-0001", 1, "SO-5");
  assert.equal(ledger.reserved("CUP-0001"), 1);
});

test("reserve: issues without the ref or of another SKU leave it alone", () => {
  const ledger = shop();
  ledger.reserve("CUP-0001", 6, "SO-6");
  ledger.issue("CUP-0001", 2, { location: "A-01-01", date: "2024-04-02" });
  ledger.issue("SAU-0002", 2, { location: "A-01-02", date: "2024-04-02", ref: "SO-6" });
  ledger.issue("CUP-0001", 2, { location: "A-01-01", date: "2024-04-02", ref: "SO-66" });
  assert.equal(ledger.reserved("CUP-0001"), 6);
  assert.equal(ledger.available("CUP-0001"), 20);
});

test("reserve: release gives the rest back", () => {
  const ledger = shop();
  ledger.reserve("CUP-0001", 10, "SO-8");
  ledger.issue("CUP-0001", 3, { location: "A-01-01", date: "2024-04-02", ref: "SO-8" });
  assert.equal(ledger.release("SO-8"), true);
  assert.equal(ledger.reserved("CUP-0001"), 0);
  assert.equal(ledger.available("CUP-0001"), 27);
  assert.equal(ledger.release("SO-8"), false);
  assert.equal(ledger.release("never"), false);
});

test("reserve: reservations never block an issue", () => {
  const ledger = shop();
  ledger.reserve("SAU-0002", 10, "SO-4");
  ledger.issue("SAU-0002", 5, { location: "A-01-02", date: "2024-04-02" });
  assert.equal(ledger.onHand("SAU-0002"), 7);
  assert.equal(ledger.available("SAU-0002"), -3);
  assert.throws(() => ledger.reserve("SAU-0002", 1, "SO-40"), StockError);
});

test("reserve: reorder planning uses available stock", () => {
  const ledger = shop();
  assert.deepEqual(suggestReorders(ledger, { asOf: "2024-04-05", skus: ["CUP-0001"] }), []);
  ledger.reserve("CUP-0001", 23, "SO-3");
  const [row] = suggestReorders(ledger, { asOf: "2024-04-05", skus: ["CUP-0001"] });
  // position 7 <= reorder point 10: order up to 10, at least 1, rounded up to trays of 8
  assert.deepEqual(row, { sku: "CUP-0001", position: 7, dailyUsage: 0, reorderPoint: 10, orderQty: 8, orderUnit: "tray", packs: 1 });
});

test("reserve: stock rows and table show reserved and available", () => {
  const ledger = shop();
  ledger.reserve("CUP-0001", 11, "SO-2");
  const rows = stockRows(ledger);
  assert.deepEqual(rows.map((r) => [r.sku, r.onHand, r.reserved, r.available]), [
    ["CUP-0001", 30, 11, 19],
    ["SAU-0002", 12, 0, 12],
  ]);
});

function memoryEnv(files) {
  const out = { stdout: "", stderr: "" };
  return {
    out,
    stdout: (t) => (out.stdout += t),
    stderr: (t) => (out.stderr += t),
    readFile: (p) => files[p],
    writeFile: (p, t) => (files[p] = t),
  };
}

test("reserve: the CLI stock table has Reserved and Available columns", () => {
  const ledger = shop();
  ledger.reserve("SAU-0002", 4, "SO-12");
  const files = { "w.json": JSON.stringify(dumpWorkspace(ledger)) };
  const env = memoryEnv(files);
  assert.equal(runCli(["stock", "--data", "w.json"], env), 0);
  const lines = env.out.stdout.split("\n");
  assert.match(lines[0], /^SKU\s+Name\s+On hand\s+Reserved\s+Available\s+Unit\s+Locations$/);
  assert.match(lines.find((l) => l.startsWith("SAU-0002")), /^SAU-0002\s+Saucer\s+12\s+4\s+8\s+each\s+A-01-02:12$/);
  const json = memoryEnv(files);
  assert.equal(runCli(["stock", "--data", "w.json", "--format", "json"], json), 0);
  const sau = JSON.parse(json.out.stdout).find((r) => r.sku === "SAU-0002");
  assert.equal(sau.reserved, 4);
  assert.equal(sau.available, 8);
});

test("reserve: workspace files keep open reservations", () => {
  const ledger = shop();
  ledger.reserve("SAU-0002", 3, "SO-21");
  ledger.reserve("CUP-0001", 6, "SO-20");
  ledger.issue("CUP-0001", 2, { location: "A-01-01", date: "2024-04-02", ref: "SO-20" });
  const doc = dumpWorkspace(ledger);
  assert.deepEqual(doc.reservations, [
    { sku: "SAU-0002", qty: 3, ref: "SO-21" },
    { sku: "CUP-0001", qty: 4, ref: "SO-20" },
  ]);
  const again = parseWorkspace(JSON.stringify(doc));
  assert.equal(again.reserved("CUP-0001"), 4);
  assert.equal(again.available("SAU-0002"), 9);
  assert.equal(again.release("SO-21"), true);
});

test("reserve: stockroom import keeps reservations in the workspace", () => {
  const ledger = shop();
  ledger.reserve("CUP-0001", 5, "SO-31");
  const files = {
    "w.json": JSON.stringify(dumpWorkspace(ledger)),
    "m.csv": "type,sku,qty,date,location,ref\nissue,CUP-0001,2,2024-04-03,A-01-01,SO-31\n",
  };
  assert.equal(runCli(["import", "--data", "w.json", "m.csv"], memoryEnv(files)), 0);
  const after = loadWorkspace(JSON.parse(files["w.json"]));
  assert.equal(after.reserved("CUP-0001"), 3);
  assert.equal(after.onHand("CUP-0001"), 28);
});

test("reserve: workspaces without reservations load as before", () => {
  const ledger = loadWorkspace({ items: [{ sku: "TEA-0100", name: "Tea" }], movements: [{ type: "receipt", sku: "TEA-0100", qty: 3, date: "2024-01-01" }] });
  assert.equal(ledger.onHand("TEA-0100"), 3);
  const doc = dumpWorkspace(ledger);
  assert.equal(doc.movements.length, 1);
  assert.deepEqual(doc.items.map((i) => i.sku), ["TEA-0100"]);
});

test("reserve: reorder without reservations is unchanged", () => {
  const ledger = shop();
  ledger.issue("CUP-0001", 24, { location: "A-01-01", date: "2024-04-03" });
  const [row] = suggestReorders(ledger, { asOf: "2024-04-05", windowDays: 5, skus: ["CUP-0001"] });
  assert.equal(row.position, 6);
  assert.equal(row.orderUnit, "tray");
});
