/**
 * Warehouse locations written as `ZONE-AISLE-BIN`, e.g. `A-03-12`. Zones are letters, aisles and
 * bins are numbers. The special location `RECV` is the receiving dock, where stock lands when a
 * receipt names no location.
 */
import { ParseError } from "./errors.js";

export const RECEIVING = "RECV";

const LOCATION = /^([A-Z]{1,2})-(\d{1,3})-(\d{1,3})$/;

/**
 * Parses a location code.
 * @returns {{code: string, zone: string, aisle: number, bin: number}}
 */
export function parseLocation(text) {
  const code = String(text).trim().toUpperCase();
  if (code === RECEIVING) {
    return { code, zone: RECEIVING, aisle: 0, bin: 0 };
  }
  const match = LOCATION.exec(code);
  if (!match) {
    throw new ParseError(`invalid location "${text}" (expected e.g. A-03-12)`);
  }
  const aisle = Number(match[2]);
  const bin = Number(match[3]);
  return { code: `${match[1]}-${String(aisle).padStart(2, "0")}-${String(bin).padStart(2, "0")}`, zone: match[1], aisle, bin };
}

/** The canonical form of a location code (`a-3-7` -> `A-03-07`). */
export function normalizeLocation(text) {
  return parseLocation(text).code;
}

/** Orders locations by zone, then aisle, then bin (numerically), RECV first. */
export function compareLocations(a, b) {
  const x = parseLocation(a);
  const y = parseLocation(b);
  if (x.zone !== y.zone) {
    if (x.zone === RECEIVING) {
      return -1;
    }
    if (y.zone === RECEIVING) {
      return 1;
    }
    return x.zone < y.zone ? -1 : 1;
  }
  return x.aisle - y.aisle || x.bin - y.bin;
}

/**
 * A walking route through locations: sorted, and with the aisle direction alternating (odd aisles
 * walked with bins ascending, even aisles descending), the way pickers walk a serpentine layout.
 */
export function pickRoute(codes) {
  const unique = [...new Set(codes.map(normalizeLocation))];
  return unique.sort((a, b) => {
    const x = parseLocation(a);
    const y = parseLocation(b);
    if (x.zone !== y.zone || x.aisle !== y.aisle) {
      return compareLocations(a, b);
    }
    return x.aisle % 2 === 1 ? x.bin - y.bin : y.bin - x.bin;
  });
}

/** True when `code` matches a pattern such as `A-*`, `A-03-*` or `*`. */
export function matchLocation(code, pattern) {
  const parts = pattern.trim().toUpperCase().split("-");
  const target = parseLocation(code);
  const fields = [target.zone, target.aisle, target.bin];
  return parts.every((part, i) => part === "*" || (i === 0 ? part === fields[0] : Number(part) === fields[i]));
}
