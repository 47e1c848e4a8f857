import { test } from "node:test";
import assert from "node:assert/strict";
import { Ledger } from "../src/ledger.js";
import { StockError, ValidationError } from "../src/errors.js";
import { sampleCatalog, sampleLedger } from "./helpers.js";

test("receipts, transfers and issues move balances", () => {
  const ledger = sampleLedger();
  assert.equal(ledger.onHand("MUG-1001"), 36);
  assert.equal(ledger.onHand("MUG-1001", "RECV"), 18);
  assert.equal(ledger.onHand("mug-1001", "a-1-2"), 18);
  assert.deepEqual([...ledger.locationsOf("MUG-1001")], [["RECV", 18], ["A-01-02", 18]]);
  assert.equal(ledger.onHand("FLR-0200"), 92.5);
});

test("stock may not go negative at a location", () => {
  const ledger = sampleLedger();
  assert.throws(() => ledger.issue("MUG-1001", 19, { location: "A-01-02", date: "2024-03-06" }), StockError);
  assert.throws(() => ledger.transfer("FLR-0200", 1, "A-01-01", "B-02-01", { date: "2024-03-06" }), StockError);
  assert.equal(ledger.onHand("MUG-1001"), 36);
  assert.equal(ledger.size, 5);
});

test("invalid movements are rejected", () => {
  const ledger = new Ledger(sampleCatalog());
  assert.throws(() => ledger.record({ type: "gift", sku: "MUG-1001", qty: 1, date: "2024-01-01" }), ValidationError);
  assert.throws(() => ledger.receive("MUG-1001", -1, { date: "2024-01-01" }), ValidationError);
  assert.throws(() => ledger.receive("XYZ-9999", 1, { date: "2024-01-01" }), StockError);
  assert.throws(() => ledger.issue("MUG-1001", 1, { date: "2024-01-01" }), ValidationError);
});

test("stockAt replays movements up to a date", () => {
  const ledger = sampleLedger();
  assert.equal(ledger.stockAt("MUG-1001", "2024-02-29"), 0);
  assert.equal(ledger.stockAt("MUG-1001", "2024-03-03"), 48);
  assert.equal(ledger.stockAt("MUG-1001", "2024-03-04"), 36);
});

test("events fire for every movement", () => {
  const ledger = new Ledger(sampleCatalog());
  const seen = [];
  ledger.events.on("movement", (m) => seen.push(`${m.type}:${m.qty}`));
  ledger.receive("CAB-0042", 100, { date: "2024-01-01", unit: "m" });
  ledger.issue("CAB-0042", 250, { date: "2024-01-02", location: "RECV", unit: "cm" });
  assert.deepEqual(seen, ["receipt:100", "issue:2.5"]);
});
