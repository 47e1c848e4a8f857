"use strict";
const { test } = require("node:test");
const assert = require("node:assert/strict");
const { parseQuantity, formatQuantity, QuantitySyntaxError } = require("../src/index");

test("parses value and unit", () => {
  assert.deepEqual(parseQuantity(" -40degF "), { value: -40, unit: "degF" });
  assert.deepEqual(parseQuantity("1e3 ms"), { value: 1000, unit: "ms" });
});

test("rejects garbage", () => {
  assert.throws(() => parseQuantity("five km"), QuantitySyntaxError);
});

test("formats with symbols and trimmed zeros", () => {
  assert.equal(formatQuantity(22.2222, "degC", { digits: 1 }), "22.2 °C");
  assert.equal(formatQuantity(2.5, "kg"), "2.5 kg");
  assert.equal(formatQuantity(2.5, "kg", { trimZeros: false }), "2.500 kg");
});
