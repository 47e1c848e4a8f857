import { test } from "node:test";
import assert from "node:assert/strict";
import { addDays, dateRange, daysBetween, isoWeek, parseDate } from "../src/dates.js";
import { allocate, formatCents, roundHalfEven, toCents } from "../src/money.js";
import { ParseError, ValidationError } from "../src/errors.js";

test("dates parse, move and count", () => {
  assert.equal(parseDate("2024-02-29"), "2024-02-29");
  assert.throws(() => parseDate("2023-02-29"), ParseError);
  assert.throws(() => parseDate("2024-2-3"), ParseError);
  assert.equal(addDays("2024-02-28", 2), "2024-03-01");
  assert.equal(daysBetween("2024-01-01", "2024-03-01"), 60);
  assert.deepEqual(dateRange("2024-12-30", "2025-01-01"), ["2024-12-30", "2024-12-31", "2025-01-01"]);
});

test("ISO weeks at year boundaries", () => {
  assert.equal(isoWeek("2024-03-01"), "2024-W09");
  assert.equal(isoWeek("2021-01-03"), "2020-W53");
  assert.equal(isoWeek("2024-12-30"), "2025-W01");
});

test("money in cents", () => {
  assert.equal(toCents("12.5"), 1250);
  assert.equal(toCents(3), 300);
  assert.equal(toCents("-0.05"), -5);
  assert.throws(() => toCents("1.234"), ValidationError);
  assert.equal(formatCents(-1205), "-12.05");
  assert.equal(roundHalfEven(2.5), 2);
  assert.equal(roundHalfEven(3.5), 4);
  assert.deepEqual(allocate(100, [1, 1, 1]), [34, 33, 33]);
});
