import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as api from "/repo/src/index.js";
import { snapshot } from "./snapshot.mjs";

const expected = JSON.parse(readFileSync(new URL("./snapshot.json", import.meta.url), "utf8"));
const actual = JSON.parse(JSON.stringify(snapshot(api)));

test("ledger: movements and SKUs in recorded order", () => {
  assert.equal(actual.size, expected.size);
  assert.deepEqual(actual.skus, expected.skus);
  assert.deepEqual(actual.movements, expected.movements);
  assert.equal(actual.issues, expected.issues);
  assert.equal(actual.movementRows, expected.movementRows);
});

test("ledger: balances per location and over time", () => {
  assert.deepEqual(actual.locations, expected.locations);
  assert.deepEqual(actual.onHandAt, expected.onHandAt);
  assert.deepEqual(actual.stockAt, expected.stockAt);
});

test("ledger: stock report rows unchanged", () => {
  assert.deepEqual(actual.stock, expected.stock);
  assert.deepEqual(actual.filtered, expected.filtered);
});

test("ledger: valuation and reorders unchanged", () => {
  assert.deepEqual(actual.fifo, expected.fifo);
  assert.deepEqual(actual.average, expected.average);
  assert.deepEqual(actual.reorders, expected.reorders);
});

test("ledger: a rejected movement changes nothing", () => {
  const ledger = new api.Ledger(new api.Catalog([{ sku: "KEY-0001", name: "Key" }, { sku: "KEY-0002", name: "Lock" }]));
  ledger.receive("KEY-0001", 5, { date: "2024-01-01", location: "A-01-01" });
  assert.throws(() => ledger.transfer("KEY-0001", 6, "A-01-01", "A-01-02", { date: "2024-01-02" }), api.StockError);
  assert.deepEqual([...ledger.locationsOf("KEY-0001")], [["A-01-01", 5]]);
  assert.deepEqual(ledger.movementsOf("KEY-0001").length, 1);
  assert.deepEqual(ledger.movementsOf("KEY-0002"), []);
  assert.deepEqual([...ledger.locationsOf("KEY-0002")], []);
  assert.deepEqual(ledger.skus(), ["KEY-0001"]);
  ledger.transfer("KEY-0001", 5, "A-01-01", "A-01-02", { date: "2024-01-03" });
  assert.deepEqual([...ledger.locationsOf("key-0001")], [["A-01-02", 5]]);
  assert.equal(ledger.onHand("KEY-0001", "A-01-01"), 0);
});
