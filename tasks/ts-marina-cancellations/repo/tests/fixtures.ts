/** Shared test data: a small marina, its fleet and a generated tide table. */

import type { Berth } from "../src/berths.ts";
import type { TideEvent } from "../src/tides.ts";
import type { Vessel } from "../src/vessels.ts";

export const BERTHS: Berth[] = [
  { id: "A1", pontoon: "A", kind: "finger", maxLengthM: 10, maxBeamM: 3.6, depthM: 2.0, shorePower: true },
  { id: "A2", pontoon: "A", kind: "finger", maxLengthM: 12, maxBeamM: 4.0, depthM: 1.2, shorePower: true },
  { id: "A10", pontoon: "A", kind: "finger", maxLengthM: 12, maxBeamM: 4.2, depthM: 2.4, shorePower: false },
  { id: "B1", pontoon: "B", kind: "alongside", maxLengthM: 20, maxBeamM: 8, depthM: 3.0, shorePower: true },
  { id: "C1", pontoon: "C", kind: "mooring", maxLengthM: 15, maxBeamM: 7, depthM: 0.5, shorePower: false },
];

export const VESSELS: Vessel[] = [
  { id: "V-ALBA", name: "Alba", kind: "sail", lengthM: 9.4, beamM: 3.1, draftM: 1.6, owners: ["M1001"] },
  { id: "V-BORA", name: "Bora", kind: "motor", lengthM: 11.2, beamM: 3.9, draftM: 1.1, owners: ["M1002"] },
  { id: "V-CAT", name: "Catalina", kind: "multihull", lengthM: 12.0, beamM: 6.5, draftM: 1.2, owners: ["M1003", "M1001"] },
];

/**
 * A semi-diurnal tide from `first` (a UTC ISO time): high and low waters alternating every
 * 6 h 12 min (ranges as given), written with `offset` like a published table.
 */
export function tideEvents(first: string, count: number, high = 4.2, low = 0.6, offset = "+00:00"): TideEvent[] {
  const start = Date.parse(first);
  const events: TideEvent[] = [];
  for (let i = 0; i < count; i++) {
    const t = start + i * 372 * 60_000;
    events.push({ at: withOffset(t, offset), heightM: i % 2 === 0 ? low : high, kind: i % 2 === 0 ? "low" : "high" });
  }
  return events;
}

/** An instant (ms) written as local time at `offset` ("+02:00"). */
export function withOffset(ms: number, offset: string): string {
  const sign = offset.startsWith("-") ? -1 : 1;
  const [h, m] = offset.slice(1).split(":").map(Number) as [number, number];
  const local = new Date(ms + sign * (h * 60 + m) * 60_000).toISOString().slice(0, 16);
  return `${local}${offset === "+00:00" ? "Z" : offset}`;
}
