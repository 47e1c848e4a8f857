import { test } from "node:test";
import assert from "node:assert/strict";
import { Ledger } from "../src/ledger.js";
import { averageDailyUsage, suggestReorders } from "../src/reorder.js";
import { importMovements } from "../src/importer.js";
import { parseCsv, stringifyCsv } from "../src/csv.js";
import { ValidationError } from "../src/errors.js";
import { sampleCatalog, sampleLedger } from "./helpers.js";

test("average daily usage counts issues in the window", () => {
  const ledger = sampleLedger();
  assert.equal(averageDailyUsage(ledger, "MUG-1001", "2024-03-10", 10), 1.2);
  assert.equal(averageDailyUsage(ledger, "MUG-1001", "2024-03-03", 10), 0);
});

test("reorders are rounded up to the order unit", () => {
  const ledger = sampleLedger();
  assert.deepEqual(suggestReorders(ledger, { asOf: "2024-03-10", windowDays: 10 }), []);
  const tight = new Ledger(sampleCatalog());
  tight.receive("MUG-1001", 20, { date: "2024-03-01", location: "A-01-01" });
  const [row] = suggestReorders(tight, { asOf: "2024-03-02", skus: ["MUG-1001"] });
  assert.deepEqual(row, { sku: "MUG-1001", position: 20, dailyUsage: 0, reorderPoint: 24, orderQty: 6, orderUnit: "box", packs: 1 });
});

test("csv round trip and row lines", () => {
  const rows = [["a", "b,c"], ['say "hi"', ""]];
  assert.deepEqual(parseCsv(stringifyCsv(rows)).map((r) => r.fields), rows);
  assert.deepEqual(parseCsv("x\n\ny\n").map((r) => r.line), [1, 3]);
});

test("import collects row errors and keeps going", () => {
  const ledger = new Ledger(sampleCatalog());
  const csv = "type,sku,qty,date\nreceipt,CAB-0042,5,2024-01-01\nreceipt,NOPE,1,2024-01-01\nreceipt,CAB-0042,x,2024-01-02\n";
  const result = importMovements(ledger, csv);
  assert.equal(result.imported, 1);
  assert.deepEqual(result.errors.map((e) => e.line), [3, 4]);
  assert.throws(() => importMovements(ledger, "type,sku,qty\n"), ValidationError);
});
