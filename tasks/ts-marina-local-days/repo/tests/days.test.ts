import assert from "node:assert/strict";
import { test } from "node:test";

import { addDays, checkStay, daysBetween, eachNight, staysOverlap, weekday } from "../src/days.ts";
import { ValidationError } from "../src/errors.ts";

test("days: nights of a stay exclude the departure day", () => {
  assert.deepEqual(eachNight("2026-02-27", "2026-03-02"), ["2026-02-27", "2026-02-28", "2026-03-01"]);
  assert.equal(daysBetween("2024-02-28", "2024-03-01"), 2);
});

test("days: adding days crosses months and years", () => {
  assert.equal(addDays("2026-12-30", 3), "2027-01-02");
  assert.equal(addDays("2026-03-01", -1), "2026-02-28");
  assert.equal(weekday("2026-06-01"), "mon");
});

test("days: malformed and impossible days are ValidationErrors", () => {
  assert.throws(() => checkStay({ arrival: "2026-06-31", departure: "2026-07-02" }), ValidationError);
  assert.throws(() => checkStay({ arrival: "2026-06-05", departure: "2026-06-05" }), /not after arrival/);
});

test("days: touching stays do not overlap", () => {
  const a = { arrival: "2026-06-01", departure: "2026-06-04" };
  assert.equal(staysOverlap(a, { arrival: "2026-06-04", departure: "2026-06-06" }), false);
  assert.equal(staysOverlap(a, { arrival: "2026-06-03", departure: "2026-06-06" }), true);
});
