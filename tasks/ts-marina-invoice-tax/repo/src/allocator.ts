/**
 * Choosing a berth for a request. The harbour master's rule: the vessel must fit the berth's
 * length and beam, float at the lowest tide of the stay with the under-keel clearance, and the
 * berth must be free on every night. Among those, the tightest fit wins (the smallest maximum
 * length, then the smallest maximum beam, then the berth id), so that big berths stay free for
 * big vessels.
 */

import type { Berth, BerthRegistry } from "./berths.ts";
import { compareBerthIds, fitsDimensions, floats } from "./berths.ts";
import type { BookingLedger } from "./bookings.ts";
import { checkStay, toDayNumber } from "./days.ts";
import type { Stay } from "./days.ts";
import type { TideTable } from "./tides.ts";
import type { Vessel } from "./vessels.ts";

export type Rejection = "dimensions" | "depth" | "taken";

export interface Candidate {
  readonly berth: Berth;
  readonly rejected: Rejection | null;
}

/** The stay as minutes: from midnight UTC of the arrival day to midnight after the last night. */
export function stayMinutes(stay: Stay): { start: number; end: number } {
  return {
    start: toDayNumber(stay.arrival) * 1440,
    end: toDayNumber(stay.departure) * 1440,
  };
}

export function compareFit(a: Berth, b: Berth): number {
  return a.maxLengthM - b.maxLengthM || a.maxBeamM - b.maxBeamM || compareBerthIds(a, b);
}

export class Allocator {
  private readonly registry: BerthRegistry;
  private readonly ledger: BookingLedger;
  private readonly tides: TideTable;

  constructor(registry: BerthRegistry, ledger: BookingLedger, tides: TideTable) {
    this.registry = registry;
    this.ledger = ledger;
    this.tides = tides;
  }

  /** The lowest height of tide during the stay. */
  lowestTide(stay: Stay): number {
    const { start, end } = stayMinutes(stay);
    return this.tides.lowestBetween(start, end);
  }

  /** Every berth with the reason it cannot take the vessel (null: it can), in fit order. */
  candidates(vessel: Vessel, stay: Stay): Candidate[] {
    checkStay(stay);
    const low = this.lowestTide(stay);
    return [...this.registry.list()].sort(compareFit).map((berth) => {
      let rejected: Rejection | null = null;
      if (!fitsDimensions(vessel, berth)) {
        rejected = "dimensions";
      } else if (!floats(vessel, berth, low)) {
        rejected = "depth";
      } else if (!this.ledger.isFree(berth.id, stay)) {
        rejected = "taken";
      }
      return { berth, rejected };
    });
  }

  /** The tightest berth that takes the vessel, or null when none does. */
  choose(vessel: Vessel, stay: Stay): Berth | null {
    return this.candidates(vessel, stay).find((c) => c.rejected === null)?.berth ?? null;
  }

  /** Why no berth took the vessel: how many berths were rejected for each reason. */
  explain(vessel: Vessel, stay: Stay): Record<Rejection, number> {
    const counts: Record<Rejection, number> = { dimensions: 0, depth: 0, taken: 0 };
    for (const c of this.candidates(vessel, stay)) {
      if (c.rejected !== null) {
        counts[c.rejected] += 1;
      }
    }
    return counts;
  }

  /** Choose and book in one step; null when no berth takes the vessel. */
  allocate(vessel: Vessel, stay: Stay): ReturnType<BookingLedger["book"]> | null {
    const berth = this.choose(vessel, stay);
    if (berth === null) {
      return null;
    }
    return this.ledger.book({ vesselId: vessel.id, berthId: berth.id, ...stay });
  }
}
