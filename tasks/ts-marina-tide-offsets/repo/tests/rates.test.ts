import assert from "node:assert/strict";
import { test } from "node:test";

import { STANDARD_CARD, quoteStay, seasonFor } from "../src/rates.ts";
import { VESSELS } from "./fixtures.ts";

const [ALBA, , CAT] = VESSELS as [(typeof VESSELS)[0], (typeof VESSELS)[0], (typeof VESSELS)[0]];

test("rates: a summer stay is charged per half metre per night", () => {
  const q = quoteStay(STANDARD_CARD, ALBA, { arrival: "2026-07-10", departure: "2026-07-13" });
  // 9.4 m is charged as 9.5 m: 3 x 9.5 x 4.20
  assert.equal(q.total.minor, 11970);
  assert.equal(q.lines[0]?.description, "Summer: 3 nights x 9.5 m");
});

test("rates: multihulls pay the factor, a week earns the discount", () => {
  const q = quoteStay(STANDARD_CARD, CAT, { arrival: "2026-01-05", departure: "2026-01-12" });
  // 7 x 12 x 1.90 x 1.5 = 239.40, minus 10%
  assert.equal(q.total.minor, 23940 - 2394);
});

test("rates: winter wraps over the new year", () => {
  assert.equal(seasonFor(STANDARD_CARD, "2026-12-31").name, "Winter");
  assert.equal(seasonFor(STANDARD_CARD, "2027-02-14").name, "Winter");
  assert.equal(seasonFor(STANDARD_CARD, "2026-05-14").name, "Shoulder");
});
