import { test } from "node:test";
import assert from "node:assert/strict";
import { parseDuration, formatDuration } from "../src/index.js";

test("numbers are milliseconds", () => {
  assert.equal(parseDuration(250), 250);
});

test("units and combinations", () => {
  assert.equal(parseDuration("30s"), 30000);
  assert.equal(parseDuration("1m30s"), 90000);
  assert.equal(parseDuration("1.5h"), 5400000);
  assert.equal(parseDuration("200ms"), 200);
});

test("garbage is rejected", () => {
  assert.throws(() => parseDuration("ten seconds"), SyntaxError);
  assert.throws(() => parseDuration(-1), RangeError);
});

test("formatDuration is the inverse for whole units", () => {
  assert.equal(formatDuration(90000), "1m30s");
  assert.equal(parseDuration(formatDuration(3723004)), 3723004);
});
