/** A deterministic season of bookings: 16 pontoons x 50 berths, 50 stays per berth. */

export const PONTOONS = "ABCDEFGHJKLMNPRS";
export const PER_PONTOON = 50;
export const STAYS_PER_BERTH = 50;
const DAY0 = Date.UTC(2027, 0, 1) / 86_400_000;

export interface Planned {
  readonly berthId: string;
  readonly vesselId: string;
  readonly start: number; // day number
  readonly end: number;
}

function rng(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

export function berthIds(): string[] {
  const ids: string[] = [];
  for (const p of PONTOONS) {
    for (let n = 1; n <= PER_PONTOON; n++) {
      ids.push(`${p}${n}`);
    }
  }
  return ids;
}

/** The stays, shuffled (bookings do not arrive in berth or date order). */
export function plan(seed = 20271): Planned[] {
  const next = rng(seed);
  const out: Planned[] = [];
  for (const berthId of berthIds()) {
    let day = DAY0 + Math.floor(next() * 3);
    for (let i = 0; i < STAYS_PER_BERTH; i++) {
      const nights = 1 + Math.floor(next() * 9);
      out.push({ berthId, vesselId: `V${out.length % 300}`, start: day, end: day + nights });
      day += nights + Math.floor(next() * 3);
    }
  }
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export function iso(dayNumber: number): string {
  return new Date(dayNumber * 86_400_000).toISOString().slice(0, 10);
}

/** Query stays: [arrival, departure) day numbers across the season. */
export function queries(count: number, seed = 7): Array<[number, number]> {
  const next = rng(seed);
  const out: Array<[number, number]> = [];
  for (let i = 0; i < count; i++) {
    const start = DAY0 + Math.floor(next() * 300);
    out.push([start, start + 1 + Math.floor(next() * 6)]);
  }
  return out;
}
