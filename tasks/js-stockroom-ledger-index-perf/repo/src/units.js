/**
 * Units of measure. Every item is counted in a base unit ("each", "kg", "m"); packs such as a
 * "box" of 12 or a "case" of 4 boxes are defined per item and converted to the base unit when a
 * movement is recorded. Packs may nest: a case defined as 4 boxes holds 4 * 12 = 48 each.
 */
import { ValidationError } from "./errors.js";

/** Units every item understands without a pack definition. */
export const BASE_UNITS = new Set(["each", "kg", "g", "m", "cm", "l", "ml"]);

const METRIC = new Map([
  ["g", ["kg", 0.001]],
  ["cm", ["m", 0.01]],
  ["ml", ["l", 0.001]],
]);

/**
 * Pack definitions of one item.
 */
export class PackTable {
  /**
   * @param {string} baseUnit the unit the item is counted in
   */
  constructor(baseUnit = "each") {
    if (!BASE_UNITS.has(baseUnit)) {
      throw new ValidationError(`unknown base unit "${baseUnit}"`);
    }
    this.baseUnit = baseUnit;
    /** @type {Map<string, {size: number, of: string}>} */
    this.packs = new Map();
  }

  /**
   * Defines a pack: `define("box", 12)` or, nested, `define("case", 4, "box")`.
   * @param {string} name pack name
   * @param {number} size how many `of` units one pack holds (a positive integer)
   * @param {string} [of] the unit inside the pack; the base unit by default
   */
  define(name, size, of = this.baseUnit) {
    if (!Number.isInteger(size) || size <= 0) {
      throw new ValidationError(`pack "${name}" needs a positive whole size, got ${size}`);
    }
    if (name === this.baseUnit || BASE_UNITS.has(name)) {
      throw new ValidationError(`"${name}" is a base unit and cannot be a pack`);
    }
    if (of !== this.baseUnit && !this.packs.has(of)) {
      throw new ValidationError(`pack "${name}" is made of unknown unit "${of}"`);
    }
    this.packs.set(name, { size, of });
    return this;
  }

  /** How many base units one `unit` holds. */
  factor(unit) {
    if (unit === this.baseUnit) {
      return 1;
    }
    const metric = METRIC.get(unit);
    if (metric && metric[0] === this.baseUnit) {
      return metric[1];
    }
    const pack = this.packs.get(unit);
    if (!pack) {
      throw new ValidationError(`unknown unit "${unit}" for an item counted in ${this.baseUnit}`);
    }
    return pack.size * this.factor(pack.of);
  }

  /** `quantity` of `unit` in base units. */
  toBase(quantity, unit = this.baseUnit) {
    return roundQuantity(quantity * this.factor(unit));
  }

  /** `quantity` base units expressed in `unit` (may be fractional). */
  fromBase(quantity, unit) {
    return roundQuantity(quantity / this.factor(unit));
  }

  /** Pack names, largest first. */
  packNames() {
    return [...this.packs.keys()].sort((a, b) => this.factor(b) - this.factor(a) || (a < b ? -1 : 1));
  }

  /**
   * Splits a base quantity into whole packs, largest first, e.g. 30 each with box=12 ->
   * `[{unit: "box", count: 2}, {unit: "each", count: 6}]`.
   */
  breakdown(quantity) {
    const out = [];
    let left = quantity;
    for (const name of this.packNames()) {
      const size = this.factor(name);
      const count = Math.floor(left / size);
      if (count > 0) {
        out.push({ unit: name, count });
        left = roundQuantity(left - count * size);
      }
    }
    if (left > 0 || out.length === 0) {
      out.push({ unit: this.baseUnit, count: left });
    }
    return out;
  }
}

/** Rounds to 6 decimals so that 0.1 kg + 0.2 kg stays 0.3 kg. */
export function roundQuantity(value) {
  return Math.round(value * 1e6) / 1e6;
}

/** Parses "3", "2.5", " 10 " into a finite number; rejects everything else. */
export function parseQuantity(text) {
  const value = typeof text === "number" ? text : Number(String(text).trim());
  if (String(text).trim() === "" || !Number.isFinite(value)) {
    throw new ValidationError(`invalid quantity "${text}"`);
  }
  return value;
}
