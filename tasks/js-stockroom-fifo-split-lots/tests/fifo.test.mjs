import { test } from "node:test";
import assert from "node:assert/strict";
import { Catalog, Ledger, valuate, valueRows, FifoLayers } from "/repo/src/index.js";

function ledgerOf(items) {
  return new Ledger(new Catalog(items));
}

const NUT = [{ sku: "NUT-0310", name: "Hex nut" }];

test("fifo: an issue spanning two receipts", () => {
  const ledger = ledgerOf(NUT);
  ledger.receive("NUT-0310", 8, { cost: "1.25", date: "2024-07-01", location: "C-02-03" });
  ledger.receive("NUT-0310", 12, { cost: "1.75", date: "2024-07-02", location: "C-02-03" });
  ledger.issue("NUT-0310", 11, { location: "C-02-03", date: "2024-07-04" });
  // 8 x 1.25 + 3 x 1.75 = 15.25 issued; 9 x 1.75 = 15.75 left
  assert.deepEqual(valuate(ledger).get("NUT-0310"), { sku: "NUT-0310", qty: 9, value: 1575, cogs: 1525 });
});

test("fifo: an issue spanning three receipts leaves the last one partly used", () => {
  const ledger = ledgerOf(NUT);
  ledger.receive("NUT-0310", 4, { cost: "0.40", date: "2024-07-01", location: "C-02-03" });
  ledger.receive("NUT-0310", 5, { cost: "0.55", date: "2024-07-02", location: "C-02-03" });
  ledger.receive("NUT-0310", 6, { cost: "0.90", date: "2024-07-03", location: "C-02-03" });
  ledger.receive("NUT-0310", 7, { cost: "1.10", date: "2024-07-04", location: "C-02-03" });
  ledger.issue("NUT-0310", 13, { location: "C-02-03", date: "2024-07-05" });
  // 4 x 0.40 + 5 x 0.55 + 4 x 0.90 = 7.95; left 2 x 0.90 + 7 x 1.10 = 9.50
  assert.deepEqual(valuate(ledger).get("NUT-0310"), { sku: "NUT-0310", qty: 9, value: 950, cogs: 795 });
  // the next issue starts at the rest of the third receipt
  ledger.issue("NUT-0310", 3, { location: "C-02-03", date: "2024-07-06" });
  assert.deepEqual(valuate(ledger).get("NUT-0310"), { sku: "NUT-0310", qty: 6, value: 660, cogs: 795 + 290 });
});

test("fifo: several issues in a row walk through the receipts", () => {
  const ledger = ledgerOf(NUT);
  const costs = ["0.10", "0.20", "0.30", "0.40", "0.50"];
  costs.forEach((cost, i) => ledger.receive("NUT-0310", 3, { cost, date: `2024-08-0${i + 1}`, location: "C-02-03" }));
  const cogs = [];
  for (let day = 6; day <= 9; day += 1) {
    ledger.issue("NUT-0310", 2, { location: "C-02-03", date: `2024-08-0${day}` });
    cogs.push(valuate(ledger).get("NUT-0310").cogs);
  }
  // 2x0.10 | 0.10+0.20 | 2x0.20 | 2x0.30
  assert.deepEqual(cogs, [20, 50, 90, 150]);
  assert.deepEqual(valuate(ledger).get("NUT-0310"), { sku: "NUT-0310", qty: 7, value: 300, cogs: 150 });
});

test("fifo: a negative adjustment spanning receipts", () => {
  const ledger = ledgerOf(NUT);
  ledger.receive("NUT-0310", 5, { cost: "2.00", date: "2024-07-01", location: "C-02-03" });
  ledger.receive("NUT-0310", 5, { cost: "4.00", date: "2024-07-02", location: "C-02-03" });
  ledger.adjust("NUT-0310", -7, { location: "C-02-03", date: "2024-07-03", ref: "count-7" });
  assert.deepEqual(valuate(ledger).get("NUT-0310"), { sku: "NUT-0310", qty: 3, value: 1200, cogs: 1800 });
});

test("fifo: fractional quantities in kg", () => {
  const ledger = ledgerOf([{ sku: "RIC-0077", name: "Rice", unit: "kg" }]);
  ledger.receive("RIC-0077", 2.5, { cost: "3.00", date: "2024-09-01", location: "B-01-01" });
  ledger.receive("RIC-0077", 0.7, { cost: "4.00", date: "2024-09-02", location: "B-01-01" });
  ledger.receive("RIC-0077", 1.3, { cost: "5.00", date: "2024-09-03", location: "B-01-01" });
  ledger.issue("RIC-0077", 3.1, { location: "B-01-01", date: "2024-09-04" });
  // 2.5 x 3.00 + 0.6 x 4.00 = 9.90; left 0.1 x 4.00 + 1.3 x 5.00 = 6.90
  assert.deepEqual(valuate(ledger).get("RIC-0077"), { sku: "RIC-0077", qty: 1.4, value: 690, cogs: 990 });
  ledger.issue("RIC-0077", 0.4, { location: "B-01-01", date: "2024-09-05" });
  assert.deepEqual(valuate(ledger).get("RIC-0077"), { sku: "RIC-0077", qty: 1, value: 500, cogs: 990 + 190 });
});

test("fifo: FifoLayers.take keeps the rest of a partly used layer", () => {
  const layers = new FifoLayers();
  layers.add(3, 100);
  layers.add(4, 250);
  layers.add(2, 400);
  assert.equal(layers.take(5), 3 * 100 + 2 * 250);
  assert.equal(layers.quantity, 4);
  assert.equal(layers.value, 2 * 250 + 2 * 400);
  assert.equal(layers.take(4), 2 * 250 + 2 * 400);
  assert.equal(layers.quantity, 0);
});

test("fifo: value report shows the right quantity, value and COGS", () => {
  const ledger = ledgerOf([...NUT, { sku: "WSH-0020", name: "Washer", packs: [["bag", 50]] }]);
  ledger.receive("WSH-0020", 1, { unit: "bag", cost: "5.00", date: "2024-07-01", location: "C-02-04" });
  ledger.receive("WSH-0020", 1, { unit: "bag", cost: "6.00", date: "2024-07-08", location: "C-02-04" });
  ledger.issue("WSH-0020", 70, { location: "C-02-04", date: "2024-07-09" });
  ledger.receive("NUT-0310", 2, { cost: "1.00", date: "2024-07-01", location: "C-02-03" });
  assert.deepEqual(valueRows(ledger), [
    { sku: "NUT-0310", qty: 2, value: "2.00", cogs: "0.00" },
    { sku: "WSH-0020", qty: 30, value: "3.60", cogs: "7.40" },
    { sku: "TOTAL", qty: "", value: "5.60", cogs: "7.40" },
  ]);
});

test("fifo: an issue inside the oldest receipt", () => {
  const ledger = ledgerOf(NUT);
  ledger.receive("NUT-0310", 9, { cost: "1.50", date: "2024-07-01", location: "C-02-03" });
  ledger.receive("NUT-0310", 9, { cost: "2.50", date: "2024-07-02", location: "C-02-03" });
  ledger.issue("NUT-0310", 4, { location: "C-02-03", date: "2024-07-03" });
  ledger.issue("NUT-0310", 5, { location: "C-02-03", date: "2024-07-04" });
  assert.deepEqual(valuate(ledger).get("NUT-0310"), { sku: "NUT-0310", qty: 9, value: 2250, cogs: 1350 });
});

test("fifo: moving average is unchanged", () => {
  const ledger = ledgerOf(NUT);
  ledger.receive("NUT-0310", 6, { cost: "1.00", date: "2024-07-01", location: "C-02-03" });
  ledger.receive("NUT-0310", 2, { cost: "3.00", date: "2024-07-02", location: "C-02-03" });
  ledger.issue("NUT-0310", 4, { location: "C-02-03", date: "2024-07-03" });
  assert.deepEqual(valuate(ledger, { method: "average" }).get("NUT-0310"), { sku: "NUT-0310", qty: 4, value: 600, cogs: 600 });
});

test("fifo: valuation as of a date ignores later issues", () => {
  const ledger = ledgerOf(NUT);
  ledger.receive("NUT-0310", 3, { cost: "1.00", date: "2024-07-01", location: "C-02-03" });
  ledger.issue("NUT-0310", 2, { location: "C-02-03", date: "2024-07-10" });
  assert.deepEqual(valuate(ledger, { asOf: "2024-07-09" }).get("NUT-0310"), { sku: "NUT-0310", qty: 3, value: 300, cogs: 0 });
});
