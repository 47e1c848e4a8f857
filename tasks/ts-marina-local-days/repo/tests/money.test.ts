import assert from "node:assert/strict";
import { test } from "node:test";

import { allocate, formatMoney, money, multiply, parseMoney, roundHalfEven } from "../src/money.ts";

test("money: parse and format", () => {
  assert.deepEqual(parseMoney("12.3", "EUR"), money(1230, "EUR"));
  assert.equal(formatMoney(money(123456789, "EUR")), "EUR 1,234,567.89");
  assert.equal(formatMoney(money(-5, "GBP")), "GBP -0.05");
});

test("money: multiplication rounds half to even once", () => {
  assert.equal(roundHalfEven(2.5), 2);
  assert.equal(roundHalfEven(3.5), 4);
  assert.equal(multiply(money(250, "EUR"), 0.5).minor, 125);
});

test("money: allocation keeps every cent", () => {
  const parts = allocate(money(1000, "EUR"), [1, 1, 1]);
  assert.deepEqual(parts.map((p) => p.minor), [334, 333, 333]);
});
