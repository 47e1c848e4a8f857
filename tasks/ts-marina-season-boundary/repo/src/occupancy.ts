/**
 * Occupancy reports: how full each pontoon was, night by night, for the harbour master's
 * monthly figures. A berth counts as occupied on a night when a booking holds it that night.
 */

import type { BerthRegistry } from "./berths.ts";
import type { BookingLedger } from "./bookings.ts";
import { eachNight } from "./days.ts";
import type { Day, Stay } from "./days.ts";

export interface NightOccupancy {
  readonly night: Day;
  readonly occupied: number;
  readonly total: number;
}

export interface PontoonOccupancy {
  readonly pontoon: string;
  readonly berths: number;
  /** Berth-nights booked over the period. */
  readonly bookedNights: number;
  /** bookedNights / (berths x nights), 0 to 1. */
  readonly rate: number;
}

/** Occupied berths per night of the period (arrival to departure, departure excluded). */
export function nightly(ledger: BookingLedger, registry: BerthRegistry, period: Stay): NightOccupancy[] {
  const total = registry.size;
  return eachNight(period.arrival, period.departure).map((night) => ({
    night,
    occupied: ledger.onNight(night).length,
    total,
  }));
}

/** Per pontoon over the period, pontoons in letter order. */
export function byPontoon(
  ledger: BookingLedger,
  registry: BerthRegistry,
  period: Stay,
): PontoonOccupancy[] {
  const nights = eachNight(period.arrival, period.departure);
  const booked = new Map<string, number>();
  for (const night of nights) {
    for (const b of ledger.onNight(night)) {
      const pontoon = registry.get(b.berthId).pontoon;
      booked.set(pontoon, (booked.get(pontoon) ?? 0) + 1);
    }
  }
  return registry.pontoons().map((pontoon) => {
    const berths = registry.onPontoon(pontoon).length;
    const bookedNights = booked.get(pontoon) ?? 0;
    const capacity = berths * nights.length;
    return { pontoon, berths, bookedNights, rate: capacity === 0 ? 0 : bookedNights / capacity };
  });
}

/** The busiest night of the period (the earliest on a tie), or null for an empty period. */
export function peakNight(
  ledger: BookingLedger,
  registry: BerthRegistry,
  period: Stay,
): NightOccupancy | null {
  let best: NightOccupancy | null = null;
  for (const n of nightly(ledger, registry, period)) {
    if (best === null || n.occupied > best.occupied) {
      best = n;
    }
  }
  return best;
}

/** A rate as a percentage with one decimal: 0.4567 -> "45.7%". */
export function formatRate(rate: number): string {
  return `${(Math.round(rate * 1000) / 10).toFixed(1)}%`;
}
