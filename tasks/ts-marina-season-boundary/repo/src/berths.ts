/**
 * Berths: the places a vessel can lie. Depths are charted depths (metres below chart datum, the
 * lowest astronomical tide); the water over a berth at any moment is its charted depth plus the
 * height of tide then (see tides.ts).
 */

import { NotFoundError, ValidationError } from "./errors.ts";
import type { Vessel } from "./vessels.ts";

export const BERTH_KINDS = ["finger", "alongside", "mooring"] as const;
export type BerthKind = (typeof BERTH_KINDS)[number];

export interface Berth {
  readonly id: string;
  readonly pontoon: string;
  readonly kind: BerthKind;
  readonly maxLengthM: number;
  readonly maxBeamM: number;
  /** Charted depth in metres: the water at the lowest astronomical tide. */
  readonly depthM: number;
  readonly shorePower: boolean;
}

/** Water a vessel must keep under its keel, on top of its draft. */
export const UNDER_KEEL_CLEARANCE_M = 0.3;

export function parseBerth(record: Record<string, unknown>): Berth {
  const id = record["id"];
  if (typeof id !== "string" || !/^[A-Z]\d{1,3}$/.test(id)) {
    throw new ValidationError("id", `a berth id is a pontoon letter and a number: ${String(id)}`);
  }
  const kind = record["kind"] ?? "finger";
  if (typeof kind !== "string" || !(BERTH_KINDS as readonly string[]).includes(kind)) {
    throw new ValidationError("kind", `kind must be one of ${BERTH_KINDS.join(", ")}`);
  }
  const num = (field: string, low: number, high: number): number => {
    const v = record[field];
    if (typeof v !== "number" || !Number.isFinite(v) || v < low || v > high) {
      throw new ValidationError(field, `${field} must be a number from ${low} to ${high}`);
    }
    return v;
  };
  return {
    id,
    pontoon: id[0]!,
    kind: kind as BerthKind,
    maxLengthM: num("maxLengthM", 4, 80),
    maxBeamM: num("maxBeamM", 2, 25),
    depthM: num("depthM", 0, 15),
    shorePower: record["shorePower"] === true,
  };
}

/** Whether the vessel's length and beam fit the berth (depth is the tide's question). */
export function fitsDimensions(vessel: Vessel, berth: Berth): boolean {
  if (vessel.kind === "multihull" && berth.kind === "finger") {
    return false; // a finger pontoon has water on one side only for one hull
  }
  return vessel.lengthM <= berth.maxLengthM && vessel.beamM <= berth.maxBeamM;
}

/** Whether `waterM` metres of water over the berth float the vessel with clearance. */
export function floats(vessel: Vessel, berth: Berth, tideHeightM: number): boolean {
  return berth.depthM + tideHeightM >= vessel.draftM + UNDER_KEEL_CLEARANCE_M - 1e-9;
}

/** The berths of the marina, by id, kept in id order (A1, A2, ..., A10, B1). */
export class BerthRegistry {
  private readonly byId = new Map<string, Berth>();
  private sorted: Berth[] | null = null;

  constructor(berths: Iterable<Berth> = []) {
    for (const b of berths) {
      this.add(b);
    }
  }

  add(berth: Berth): void {
    if (this.byId.has(berth.id)) {
      throw new ValidationError("id", `berth ${berth.id} already exists`);
    }
    this.byId.set(berth.id, berth);
    this.sorted = null;
  }

  get(id: string): Berth {
    const b = this.byId.get(id);
    if (b === undefined) {
      throw new NotFoundError("berth", id);
    }
    return b;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  list(): readonly Berth[] {
    if (this.sorted === null) {
      this.sorted = [...this.byId.values()].sort(compareBerthIds);
    }
    return this.sorted;
  }

  onPontoon(pontoon: string): Berth[] {
    return this.list().filter((b) => b.pontoon === pontoon);
  }

  pontoons(): string[] {
    return [...new Set(this.list().map((b) => b.pontoon))];
  }

  get size(): number {
    return this.byId.size;
  }
}

/** A1 < A2 < A10 < B1: the pontoon letter, then the number as a number. */
export function compareBerthIds(a: Berth, b: Berth): number {
  if (a.pontoon !== b.pontoon) {
    return a.pontoon < b.pontoon ? -1 : 1;
  }
  return Number(a.id.slice(1)) - Number(b.id.slice(1));
}
