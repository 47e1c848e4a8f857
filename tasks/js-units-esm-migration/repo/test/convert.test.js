"use strict";
const { test } = require("node:test");
const assert = require("node:assert/strict");
const { convert, convertText, IncompatibleUnitsError, UnknownUnitError } = require("../src/index");

test("length", () => {
  assert.ok(Math.abs(convert(5, "km", "mi") - 3.10686) < 1e-5);
  assert.ok(Math.abs(convert(12, "in", "ft") - 1) < 1e-12);
});

test("temperature uses offsets", () => {
  assert.ok(Math.abs(convert(100, "degC", "degF") - 212) < 1e-9);
  assert.ok(Math.abs(convert(0, "K", "degC") + 273.15) < 1e-9);
});

test("incompatible and unknown units", () => {
  assert.throws(() => convert(1, "kg", "m"), IncompatibleUnitsError);
  assert.throws(() => convert(1, "furlong", "m"), UnknownUnitError);
});

test("convertText", () => {
  assert.equal(convertText("1.5 GiB", "MiB"), "1536 MiB");
});
