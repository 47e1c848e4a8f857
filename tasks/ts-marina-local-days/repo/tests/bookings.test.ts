import assert from "node:assert/strict";
import { test } from "node:test";

import { BerthRegistry } from "../src/berths.ts";
import { BookingLedger } from "../src/bookings.ts";
import { BookingConflictError } from "../src/errors.ts";
import { Fleet } from "../src/vessels.ts";
import { BERTHS, VESSELS } from "./fixtures.ts";

function ledger(): BookingLedger {
  return new BookingLedger(new BerthRegistry(BERTHS), new Fleet(VESSELS));
}

test("bookings: a berth is held from arrival to departure", () => {
  const l = ledger();
  const b = l.book({ vesselId: "V-ALBA", berthId: "A1", arrival: "2026-06-01", departure: "2026-06-04" });
  assert.equal(b.id, "BK-0001");
  assert.equal(l.isFree("A1", { arrival: "2026-06-03", departure: "2026-06-05" }), false);
  assert.equal(l.isFree("A1", { arrival: "2026-06-04", departure: "2026-06-05" }), true);
  assert.deepEqual(l.onNight("2026-06-03").map((x) => x.id), ["BK-0001"]);
});

test("bookings: a clash names the booking in the way", () => {
  const l = ledger();
  l.book({ vesselId: "V-ALBA", berthId: "A2", arrival: "2026-06-01", departure: "2026-06-04" });
  assert.throws(
    () => l.book({ vesselId: "V-BORA", berthId: "A2", arrival: "2026-06-02", departure: "2026-06-03" }),
    BookingConflictError,
  );
});

test("bookings: free berths come in id order", () => {
  const l = ledger();
  l.book({ vesselId: "V-BORA", berthId: "A2", arrival: "2026-06-01", departure: "2026-06-04" });
  const free = l.freeBerths({ arrival: "2026-06-02", departure: "2026-06-03" }).map((b) => b.id);
  assert.deepEqual(free, ["A1", "A10", "B1", "C1"]);
});
