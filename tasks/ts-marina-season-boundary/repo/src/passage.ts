/**
 * Passage planning over the sill. The marina basin is kept afloat by a sill at the entrance
 * that dries at low water: a vessel can only cross when the tide over the sill covers its draft
 * plus the clearance. The harbour master publishes the sill's height above chart datum; this
 * module turns the tide table into the crossing windows of a day.
 */

import { UNDER_KEEL_CLEARANCE_M } from "./berths.ts";
import { toDayNumber } from "./days.ts";
import type { Day } from "./days.ts";
import { ValidationError } from "./errors.ts";
import type { Interval, TideTable } from "./tides.ts";
import { fromMinutes } from "./tides.ts";
import type { Vessel } from "./vessels.ts";

export interface Sill {
  /** Height of the sill's top above chart datum, metres (it dries below this tide). */
  readonly heightM: number;
}

/** The tide a vessel needs to cross the sill. */
export function requiredTide(vessel: Vessel, sill: Sill): number {
  if (!(sill.heightM >= 0)) {
    throw new ValidationError("heightM", "a sill height is at least 0 m above chart datum");
  }
  return sill.heightM + vessel.draftM + UNDER_KEEL_CLEARANCE_M;
}

/** The windows on `day` (UTC, 00:00 to 24:00) when the vessel can cross the sill. */
export function crossingWindows(tides: TideTable, vessel: Vessel, sill: Sill, day: Day): Interval[] {
  const start = toDayNumber(day) * 1440;
  const end = start + 1440;
  const span = tides.span;
  const from = Math.max(start, span.start);
  const to = Math.min(end, span.end);
  if (from >= to) {
    return [];
  }
  return tides.windows(requiredTide(vessel, sill), from, to);
}

/** The first window that lasts at least `minutes` and starts at or after `after`, or null. */
export function nextCrossing(
  windows: readonly Interval[],
  after: number,
  minutes: number,
): Interval | null {
  for (const w of windows) {
    const start = Math.max(w.start, after);
    if (w.end - start >= minutes) {
      return { start, end: w.end };
    }
  }
  return null;
}

/** "04:10-07:55, 16:40-20:20" (UTC), or "none" for a day without a window. */
export function formatWindows(windows: readonly Interval[]): string {
  if (windows.length === 0) {
    return "none";
  }
  return windows
    .map((w) => `${fromMinutes(w.start).slice(11, 16)}-${fromMinutes(w.end).slice(11, 16)}`)
    .join(", ");
}

/** Minutes of the day a vessel can cross, in total. */
export function openMinutes(windows: readonly Interval[]): number {
  return windows.reduce((s, w) => s + (w.end - w.start), 0);
}
