/**
 * Vessels as the harbour office records them. Lengths are overall lengths (LOA) in metres, the
 * beam is the widest point, the draft the depth below the waterline. A multihull is charged on
 * its length like any vessel but needs a wide berth.
 */

import { NotFoundError, ValidationError } from "./errors.ts";

export const VESSEL_KINDS = ["sail", "motor", "multihull"] as const;
export type VesselKind = (typeof VESSEL_KINDS)[number];

export interface Vessel {
  readonly id: string;
  readonly name: string;
  readonly kind: VesselKind;
  readonly lengthM: number;
  readonly beamM: number;
  readonly draftM: number;
  /** Registered owners' member ids; the first one is invoiced unless shares are given. */
  readonly owners: readonly string[];
}

const LIMITS = {
  lengthM: [2, 60],
  beamM: [1, 20],
  draftM: [0.2, 6],
} as const;

function checkDimension(field: keyof typeof LIMITS, value: unknown): number {
  const [low, high] = LIMITS[field];
  if (typeof value !== "number" || !Number.isFinite(value) || value < low || value > high) {
    throw new ValidationError(field, `${field} must be a number from ${low} to ${high}`);
  }
  return value;
}

/** A vessel from an untyped record (a JSON body, a CSV row already split into fields). */
export function parseVessel(record: Record<string, unknown>): Vessel {
  const id = record["id"];
  if (typeof id !== "string" || id.trim() === "") {
    throw new ValidationError("id", "a vessel needs an id");
  }
  const name = typeof record["name"] === "string" ? record["name"].trim() : "";
  const kind = record["kind"];
  if (typeof kind !== "string" || !(VESSEL_KINDS as readonly string[]).includes(kind)) {
    throw new ValidationError("kind", `kind must be one of ${VESSEL_KINDS.join(", ")}`);
  }
  const ownersRaw = record["owners"] ?? [];
  if (!Array.isArray(ownersRaw) || ownersRaw.some((o) => typeof o !== "string")) {
    throw new ValidationError("owners", "owners must be a list of member ids");
  }
  const vessel: Vessel = {
    id: id.trim(),
    name: name === "" ? id.trim() : name,
    kind: kind as VesselKind,
    lengthM: checkDimension("lengthM", record["lengthM"]),
    beamM: checkDimension("beamM", record["beamM"]),
    draftM: checkDimension("draftM", record["draftM"]),
    owners: ownersRaw as string[],
  };
  if (vessel.beamM > vessel.lengthM) {
    throw new ValidationError("beamM", "the beam cannot exceed the length");
  }
  return vessel;
}

/** The length a berth is charged on: LOA rounded up to the next half metre. */
export function chargedLengthM(vessel: Vessel): number {
  return Math.ceil(vessel.lengthM * 2 - 1e-9) / 2;
}

/** Vessels by id, in the order they were registered. */
export class Fleet {
  private readonly byId = new Map<string, Vessel>();

  constructor(vessels: Iterable<Vessel> = []) {
    for (const v of vessels) {
      this.register(v);
    }
  }

  register(vessel: Vessel): void {
    if (this.byId.has(vessel.id)) {
      throw new ValidationError("id", `vessel ${vessel.id} is already registered`);
    }
    this.byId.set(vessel.id, vessel);
  }

  get(id: string): Vessel {
    const v = this.byId.get(id);
    if (v === undefined) {
      throw new NotFoundError("vessel", id);
    }
    return v;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  list(): Vessel[] {
    return [...this.byId.values()];
  }

  ownedBy(memberId: string): Vessel[] {
    return this.list().filter((v) => v.owners.includes(memberId));
  }

  get size(): number {
    return this.byId.size;
  }
}
