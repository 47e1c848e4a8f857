import assert from "node:assert/strict";
import { test } from "node:test";

import { quoteStay } from "/repo/src/index.ts";
import type { RateCard, Vessel } from "/repo/src/index.ts";

const CARD: RateCard = {
  currency: "GBP",
  seasons: [
    { name: "Festive", from: "12-20", to: "01-04", perMetreNight: 500 },
    { name: "High", from: "07-01", to: "08-15", perMetreNight: 385 },
    { name: "Mid", from: "04-15", to: "10-15", perMetreNight: 260 },
    { name: "Low", from: "10-16", to: "04-14", perMetreNight: 150 },
  ],
  multihullFactor: 1.25,
  shorePowerPerNight: 375,
  weeklyDiscountBp: 1500,
  weeklyNights: 10,
};

const KETCH: Vessel = { id: "V-K", name: "Kestrel", kind: "sail", lengthM: 12.2, beamM: 3.8, draftM: 1.7, owners: [] };
const CAT: Vessel = { id: "V-C", name: "Cirrus", kind: "multihull", lengthM: 13.9, beamM: 7.1, draftM: 1.1, owners: [] };

function lines(q: ReturnType<typeof quoteStay>): Array<[string, number]> {
  return q.lines.map((l) => [l.description, l.amount.minor]);
}

test("quote: a stay across one season change is charged night by night", () => {
  // 12.5 m; 28-30 Jun at Mid (2.60), 1-2 Jul at High (3.85)
  const q = quoteStay(CARD, KETCH, { arrival: "2027-06-28", departure: "2027-07-03" });
  assert.deepEqual(lines(q), [
    ["Mid: 3 nights x 12.5 m", 9750],
    ["High: 2 nights x 12.5 m", 9625],
  ]);
  assert.equal(q.total.minor, 19375);
  assert.equal(q.nights, 5);
});

test("quote: leaving the high season goes back to the mid rate", () => {
  const q = quoteStay(CARD, KETCH, { arrival: "2027-08-14", departure: "2027-08-17" });
  assert.deepEqual(lines(q), [
    ["High: 2 nights x 12.5 m", 9625],
    ["Mid: 1 night x 12.5 m", 3250],
  ]);
});

test("quote: a stay spanning three seasons has three lines in order", () => {
  // arrival and departure are both in Mid; the High nights in between must not be lost
  const q = quoteStay(CARD, KETCH, { arrival: "2027-06-30", departure: "2027-08-17" });
  assert.deepEqual(lines(q).map(([d]) => d), [
    "Mid: 1 night x 12.5 m",
    "High: 46 nights x 12.5 m",
    "Mid: 1 night x 12.5 m",
    "Weekly discount",
  ]);
  const berth = 3250 + 46 * 4812.5 + 3250;
  assert.equal(q.total.minor, Math.round(berth) - Math.round(berth * 0.15));
});

test("quote: the festive season wraps over the new year", () => {
  const q = quoteStay(CARD, KETCH, { arrival: "2027-12-18", departure: "2028-01-07" });
  assert.deepEqual(lines(q).slice(0, 3), [
    ["Low: 2 nights x 12.5 m", 3750],
    ["Festive: 16 nights x 12.5 m", 100000],
    ["Low: 2 nights x 12.5 m", 3750],
  ]);
});

test("quote: the weekly discount applies to the whole berth charge of a mixed stay", () => {
  const q = quoteStay(CARD, KETCH, { arrival: "2027-10-10", departure: "2027-10-20" }, { shorePower: true });
  // Mid 6 nights (19500), Low 4 nights (7500); shore power 10 x 3.75; 15% off 27000
  assert.deepEqual(lines(q), [
    ["Mid: 6 nights x 12.5 m", 19500],
    ["Low: 4 nights x 12.5 m", 7500],
    ["Shore power: 10 nights", 3750],
    ["Weekly discount", -4050],
  ]);
  assert.equal(q.total.minor, 26700);
});

test("quote: each season run of a multihull is rounded once", () => {
  // 14 m x 1.25: Mid 2 nights = 2.60 x 14 x 2 x 1.25 = 91.00; High 3 nights = 3.85 x 14 x 3 x 1.25 = 202.125 -> 202.12
  const q = quoteStay(CARD, CAT, { arrival: "2027-06-29", departure: "2027-07-04" });
  assert.deepEqual(lines(q), [
    ["Mid: 2 nights x 14 m", 9100],
    ["High: 3 nights x 14 m", 20212],
  ]);
});

test("quote: a stay inside one season keeps its single line", () => {
  const q = quoteStay(CARD, KETCH, { arrival: "2027-07-05", departure: "2027-07-08" });
  assert.deepEqual(lines(q), [["High: 3 nights x 12.5 m", 14438]]);
});

test("quote: one night is one line in the night's season", () => {
  const q = quoteStay(CARD, KETCH, { arrival: "2027-04-14", departure: "2027-04-15" });
  assert.deepEqual(lines(q), [["Low: 1 night x 12.5 m", 1875]]);
});
