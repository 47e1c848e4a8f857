/**
 * Tide tables: the predicted times and heights of high and low water, as the hydrographic
 * office publishes them, with the height in between interpolated by the rule of cosines (the
 * curve between a low and the next high is half a cosine wave). Heights are metres above chart
 * datum.
 *
 * Times are ISO 8601 date-times with an offset (`2026-06-01T04:12+02:00`): a table for the
 * summer carries +02:00, one for the winter +01:00, and a table that spans the change carries
 * both.
 */

import { ValidationError } from "./errors.ts";

export interface TideEvent {
  /** ISO 8601 with an offset, as published. */
  readonly at: string;
  readonly heightM: number;
  readonly kind: "high" | "low";
}

export interface Interval {
  /** Minutes since 1970-01-01T00:00Z. */
  readonly start: number;
  readonly end: number;
}

const ISO_WITH_OFFSET = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:\d{2})$/;

/** Minutes since the epoch of an ISO date-time with an offset. */
export function toMinutes(iso: string): number {
  const m = ISO_WITH_OFFSET.exec(iso);
  if (m === null) {
    throw new ValidationError("at", `not an ISO date-time with an offset: ${JSON.stringify(iso)}`);
  }
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) {
    throw new ValidationError("at", `no such time: ${iso}`);
  }
  return Math.floor(ms / 60_000);
}

/** The ISO form (UTC) of a minute count, for messages and reports. */
export function fromMinutes(minutes: number): string {
  return new Date(minutes * 60_000).toISOString().slice(0, 16) + "Z";
}

interface Point {
  readonly t: number;
  readonly h: number;
  readonly kind: "high" | "low";
}

export class TideTable {
  private readonly points: Point[];

  constructor(events: readonly TideEvent[]) {
    if (events.length < 2) {
      throw new ValidationError("events", "a tide table needs at least two events");
    }
    const points = events.map((e) => ({ t: toMinutes(e.at), h: e.heightM, kind: e.kind }));
    points.sort((a, b) => a.t - b.t);
    for (let i = 1; i < points.length; i++) {
      if (points[i]!.t === points[i - 1]!.t) {
        throw new ValidationError("events", `two events at ${fromMinutes(points[i]!.t)}`);
      }
    }
    this.points = points;
  }

  /** First and last minute the table covers. */
  get span(): Interval {
    return { start: this.points[0]!.t, end: this.points[this.points.length - 1]!.t };
  }

  private check(t: number): void {
    const { start, end } = this.span;
    if (t < start || t > end) {
      throw new ValidationError(
        "time",
        `${fromMinutes(t)} is outside the tide table (${fromMinutes(start)} to ${fromMinutes(end)})`,
      );
    }
  }

  /** Index of the last point at or before t (t inside the span). */
  private segment(t: number): number {
    let lo = 0;
    let hi = this.points.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (this.points[mid]!.t <= t) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** Height of tide at minute t, by the rule of cosines between the events around it. */
  heightAt(t: number): number {
    this.check(t);
    const i = this.segment(t);
    const a = this.points[i]!;
    const b = this.points[Math.min(i + 1, this.points.length - 1)]!;
    if (b.t === a.t) {
      return a.h;
    }
    const f = (t - a.t) / (b.t - a.t);
    return a.h + ((b.h - a.h) * (1 - Math.cos(Math.PI * f))) / 2;
  }

  /** The lowest height between minutes `start` and `end`: at an end or at a low water inside. */
  lowestBetween(start: number, end: number): number {
    this.check(start);
    this.check(end);
    let lowest = Math.min(this.heightAt(start), this.heightAt(end));
    for (let i = this.segment(start) + 1; i < this.points.length; i++) {
      const p = this.points[i]!;
      if (p.t >= end) {
        break;
      }
      lowest = Math.min(lowest, p.h);
    }
    return lowest;
  }

  /** Low waters (as published) between two minutes. */
  lowsBetween(start: number, end: number): TideEvent[] {
    return this.points
      .filter((p) => p.kind === "low" && p.t >= start && p.t <= end)
      .map((p) => ({ at: fromMinutes(p.t), heightM: p.h, kind: p.kind }));
  }

  /**
   * The intervals between `start` and `end` when the tide is at least `heightM`: the times a
   * vessel can cross the sill at the harbour entrance. Each segment between two events is
   * monotone, so its crossing is found by inverting the cosine.
   */
  windows(heightM: number, start: number, end: number): Interval[] {
    this.check(start);
    this.check(end);
    const out: Interval[] = [];
    let open: number | null = this.heightAt(start) >= heightM ? start : null;
    for (let i = this.segment(start); i < this.points.length - 1; i++) {
      const a = this.points[i]!;
      const b = this.points[i + 1]!;
      if (a.t >= end) {
        break;
      }
      const lo = Math.min(a.h, b.h);
      const hi = Math.max(a.h, b.h);
      if (heightM > lo && heightM < hi) {
        // h(t) = a.h + (b.h - a.h)(1 - cos(pi f)) / 2  =>  f = acos(1 - 2 (h - a.h)/(b.h - a.h)) / pi
        const f = Math.acos(1 - (2 * (heightM - a.h)) / (b.h - a.h)) / Math.PI;
        const t = Math.round(a.t + f * (b.t - a.t));
        if (t > start && t < end) {
          if (b.h > a.h && open === null) {
            open = t;
          } else if (b.h < a.h && open !== null) {
            out.push({ start: open, end: t });
            open = null;
          }
        }
      }
    }
    if (open !== null) {
      out.push({ start: open, end });
    }
    return out;
  }
}
