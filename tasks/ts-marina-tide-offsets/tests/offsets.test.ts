import assert from "node:assert/strict";
import { test } from "node:test";

import { Allocator, BerthRegistry, BookingLedger, Fleet, TideTable, ValidationError, toMinutes } from "/repo/src/index.ts";
import type { Berth, TideEvent, Vessel } from "/repo/src/index.ts";

const STEP_MS = 372 * 60_000;
const START = Date.parse("2027-03-01T00:00:00Z");
const HEIGHTS = [0.9, 3.9, 0.2, 4.1, 0.8, 4.0, 0.7, 3.8, 1.0];

/** The instant START + i steps written at `offset` ("Z", "+09:30", "-04:00"). */
function written(i: number, offset: string): string {
  const ms = START + i * STEP_MS;
  if (offset === "Z") {
    return new Date(ms).toISOString().slice(0, 16) + "Z";
  }
  const sign = offset[0] === "-" ? -1 : 1;
  const [h, m] = offset.slice(1).split(":").map(Number) as [number, number];
  return new Date(ms + sign * (h * 60 + m) * 60_000).toISOString().slice(0, 16) + offset;
}

/** Events alternating low/high, each written in the offset the pattern gives it. */
function table(offsets: readonly string[]): TideEvent[] {
  return HEIGHTS.map((heightM, i) => ({
    at: written(i, offsets[i % offsets.length]!),
    heightM,
    kind: i % 2 === 0 ? "low" : "high",
  }));
}

const MIXED = ["+09:30", "Z", "-04:00", "+09:30", "Z"];
const minute = (i: number): number => Math.floor((START + i * STEP_MS) / 60_000);

test("tides: events written in different offsets are ordered by the instant they name", () => {
  const tides = new TideTable(table(MIXED));
  HEIGHTS.forEach((h, i) => assert.equal(tides.heightAt(minute(i)), h, `event ${i}`));
  assert.deepEqual(tides.span, { start: minute(0), end: minute(8) });
});

test("tides: heights between events of different offsets follow the rule of cosines", () => {
  const tides = new TideTable(table(MIXED));
  const mid = minute(2) + 186;
  assert.ok(Math.abs(tides.heightAt(mid) - (0.2 + 4.1) / 2) < 1e-9);
});

test("tides: the lowest tide counts a low water written in another offset", () => {
  const tides = new TideTable(table(MIXED));
  assert.equal(tides.lowestBetween(minute(0) + 10, minute(4) - 10), 0.2);
  assert.equal(tides.lowestBetween(minute(5), minute(7)), 0.7);
});

test("tides: windows over a table of mixed offsets", () => {
  const tides = new TideTable(table(MIXED));
  const w = tides.windows(3.0, minute(2), minute(6));
  assert.equal(w.length, 2);
  assert.ok(w[0]!.start > minute(2) && w[0]!.end < minute(4));
  assert.ok(w[1]!.start > minute(4) && w[1]!.end < minute(6));
});

test("tides: one instant written in two offsets is two events at one time", () => {
  const events = table(["Z"]);
  const again: TideEvent = { at: written(3, "+05:30"), heightM: 4.1, kind: "high" };
  assert.throws(() => new TideTable([...events, again]), (e: unknown) => e instanceof ValidationError && /two events at/.test(e.message));
});

const BERTHS: Berth[] = [
  { id: "D1", pontoon: "D", kind: "finger", maxLengthM: 12, maxBeamM: 4, depthM: 1.6, shorePower: true },
  { id: "D2", pontoon: "D", kind: "finger", maxLengthM: 14, maxBeamM: 4.5, depthM: 2.2, shorePower: true },
];
const YAWL: Vessel = { id: "V-Y", name: "Yawl", kind: "sail", lengthM: 11, beamM: 3.5, draftM: 1.6, owners: [] };

function allocator(events: TideEvent[]): Allocator {
  const registry = new BerthRegistry(BERTHS);
  const fleet = new Fleet([YAWL]);
  return new Allocator(registry, new BookingLedger(registry, fleet), new TideTable(events));
}

test("allocator: a berth that dries at a low water written in another offset is rejected", () => {
  const a = allocator(table(MIXED));
  const stay = { arrival: "2027-03-01", departure: "2027-03-02" };
  assert.equal(a.lowestTide(stay), 0.2);
  assert.equal(a.choose(YAWL, stay)?.id, "D2");
  assert.deepEqual(
    a.candidates(YAWL, stay).map((c) => [c.berth.id, c.rejected]),
    [["D1", "depth"], ["D2", null]],
  );
});

test("tides: a table in one offset interpolates as before", () => {
  const tides = new TideTable(table(["+02:00"]));
  assert.equal(tides.heightAt(toMinutes(written(4, "Z"))), 0.8);
  assert.equal(tides.lowestBetween(minute(1), minute(3)), 0.2);
});

test("allocator: with enough water the tightest berth still wins", () => {
  const events = table(["-04:00"]).map((e) => ({ ...e, heightM: e.kind === "low" ? 0.9 : e.heightM }));
  const a = allocator(events);
  assert.equal(a.choose(YAWL, { arrival: "2027-03-01", departure: "2027-03-02" })?.id, "D1");
});
