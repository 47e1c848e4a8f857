import { test } from "node:test";
import assert from "node:assert/strict";
import { Ledger } from "../src/ledger.js";
import { totalCogs, totalValue, valuate } from "../src/valuation.js";
import { sampleCatalog, sampleLedger } from "./helpers.js";

test("FIFO values the sample ledger", () => {
  const valuation = valuate(sampleLedger());
  // mugs: 48 at 1.00 each (24.00 a case of 24), 12 issued
  assert.deepEqual(valuation.get("MUG-1001"), { sku: "MUG-1001", qty: 36, value: 3600, cogs: 1200 });
  // flour: 100 kg at 0.74, 7.5 kg issued
  assert.deepEqual(valuation.get("FLR-0200"), { sku: "FLR-0200", qty: 92.5, value: 6845, cogs: 555 });
  assert.equal(totalValue(valuation), 10445);
  assert.equal(totalCogs(valuation), 1755);
});

test("average cost moves with each receipt", () => {
  const ledger = new Ledger(sampleCatalog());
  ledger.receive("CAB-0042", 10, { cost: "1.00", date: "2024-01-01" });
  ledger.receive("CAB-0042", 10, { cost: "2.00", date: "2024-01-02" });
  ledger.issue("CAB-0042", 5, { location: "RECV", date: "2024-01-03" });
  const row = valuate(ledger, { method: "average" }).get("CAB-0042");
  assert.deepEqual(row, { sku: "CAB-0042", qty: 15, value: 2250, cogs: 750 });
});

test("valuation as of a date ignores later movements", () => {
  const row = valuate(sampleLedger(), { asOf: "2024-03-03" }).get("MUG-1001");
  assert.equal(row.qty, 48);
  assert.equal(row.cogs, 0);
});

test("positive adjustments enter at the last cost", () => {
  const ledger = new Ledger(sampleCatalog());
  ledger.receive("CAB-0042", 10, { cost: "0.50", date: "2024-01-01" });
  ledger.adjust("CAB-0042", 2, { location: "RECV", date: "2024-01-05" });
  assert.equal(valuate(ledger).get("CAB-0042").value, 600);
});
