import assert from "node:assert/strict";
import { test } from "node:test";

import {
  BerthRegistry,
  BookingLedger,
  Fleet,
  STANDARD_CARD,
  addDays,
  daysBetween,
  eachNight,
  fromDayNumber,
  nightly,
  quoteStay,
  toDayNumber,
  weekday,
} from "/repo/src/index.ts";
import type { Berth, Vessel } from "/repo/src/index.ts";

/** Run `body` with the process in time zone `tz`, then put the zone back. */
function inZone(tz: string, body: () => void): void {
  const saved = process.env.TZ;
  process.env.TZ = tz;
  try {
    body();
  } finally {
    if (saved === undefined) {
      delete process.env.TZ;
    } else {
      process.env.TZ = saved;
    }
  }
}

const utcDay = (y: number, m: number, d: number): number => Date.UTC(y, m - 1, d) / 86_400_000;

test("days: day numbers do not depend on the time zone east of UTC", () => {
  for (const tz of ["Europe/Helsinki", "Asia/Kolkata", "Pacific/Chatham"]) {
    inZone(tz, () => {
      assert.equal(toDayNumber("2027-08-09"), utcDay(2027, 8, 9), tz);
      assert.equal(fromDayNumber(toDayNumber("2027-08-09")), "2027-08-09", tz);
    });
  }
});

test("days: day numbers in a zone 13 hours ahead in its summer", () => {
  inZone("Pacific/Auckland", () => {
    assert.equal(toDayNumber("2027-01-19"), utcDay(2027, 1, 19));
    assert.equal(addDays("2027-01-19", 1), "2027-01-20");
  });
  inZone("Pacific/Tongatapu", () => {
    assert.equal(toDayNumber("2027-12-31"), utcDay(2027, 12, 31));
  });
});

test("days: the nights of a stay are the same in every zone", () => {
  inZone("Asia/Kolkata", () => {
    assert.deepEqual(eachNight("2028-02-27", "2028-03-01"), ["2028-02-27", "2028-02-28", "2028-02-29"]);
    assert.equal(addDays("2028-03-01", -1), "2028-02-29");
  });
});

test("days: weekdays west of UTC", () => {
  inZone("America/Los_Angeles", () => {
    assert.equal(weekday("2027-08-09"), "mon");
    assert.equal(weekday("2027-08-15"), "sun");
  });
  inZone("America/St_Johns", () => {
    assert.equal(weekday("2028-02-29"), "tue");
  });
});

const BERTHS: Berth[] = [
  { id: "F1", pontoon: "F", kind: "finger", maxLengthM: 12, maxBeamM: 4, depthM: 2, shorePower: true },
  { id: "F2", pontoon: "F", kind: "finger", maxLengthM: 12, maxBeamM: 4, depthM: 2, shorePower: true },
];
const SLOOP: Vessel = { id: "V-S", name: "Sula", kind: "sail", lengthM: 8.7, beamM: 2.9, draftM: 1.4, owners: [] };

test("occupancy: nightly figures are the same east of UTC", () => {
  inZone("Australia/Sydney", () => {
    const registry = new BerthRegistry(BERTHS);
    const ledger = new BookingLedger(registry, new Fleet([SLOOP]));
    const b = ledger.book({ vesselId: "V-S", berthId: "F2", arrival: "2027-09-03", departure: "2027-09-05" });
    assert.deepEqual(ledger.onNight("2027-09-04").map((x) => x.id), [b.id]);
    const period = { arrival: "2027-09-03", departure: "2027-09-06" };
    assert.deepEqual(
      nightly(ledger, registry, period).map((n) => [n.night, n.occupied]),
      [["2027-09-03", 1], ["2027-09-04", 1], ["2027-09-05", 0]],
    );
  });
});

test("rates: a quote east of UTC charges each night at its own season", () => {
  inZone("Asia/Tokyo", () => {
    const q = quoteStay(STANDARD_CARD, SLOOP, { arrival: "2027-05-30", departure: "2027-06-02" });
    assert.deepEqual(q.lines.map((l) => l.description), ["Shoulder: 2 nights x 9 m", "Summer: 1 night x 9 m"]);
  });
});

test("days: nothing changes in UTC and west of it", () => {
  for (const tz of ["UTC", "America/New_York"]) {
    inZone(tz, () => {
      assert.equal(toDayNumber("2027-08-09"), utcDay(2027, 8, 9), tz);
      assert.equal(daysBetween("2027-12-30", "2028-01-02"), 3, tz);
      assert.deepEqual(eachNight("2027-12-31", "2028-01-02"), ["2027-12-31", "2028-01-01"], tz);
    });
  }
});

test("days: the library leaves the process time zone alone", () => {
  inZone("Asia/Kolkata", () => {
    toDayNumber("2027-08-09");
    weekday("2027-08-09");
    eachNight("2027-08-09", "2027-08-12");
    assert.equal(process.env.TZ, "Asia/Kolkata");
    assert.equal(new Date(2027, 7, 9).getTimezoneOffset(), -330);
  });
});
