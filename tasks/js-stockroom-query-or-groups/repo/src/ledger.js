/**
 * The stock ledger: an append-only list of movements and the balances they produce.
 *
 * Movement types:
 * - `receipt`: stock arrives (at a location, RECV by default) with a unit cost;
 * - `issue`: stock leaves (picked for an order, scrapped, ...);
 * - `adjust`: a stock count found more (positive qty) or less (negative qty) than the books;
 * - `transfer`: stock moves between two locations (recorded as one movement with `to`).
 *
 * Quantities are converted to the item's base unit when recorded. Stock may never go negative at
 * a location: an issue, negative adjustment or transfer that would do so is a StockError.
 */
import { normalizeSku } from "./catalog.js";
import { parseDate } from "./dates.js";
import { StockError, ValidationError } from "./errors.js";
import { Emitter } from "./events.js";
import { compareLocations, normalizeLocation, RECEIVING } from "./locations.js";
import { toCents } from "./money.js";
import { parseQuantity, roundQuantity } from "./units.js";

export const MOVEMENT_TYPES = ["receipt", "issue", "adjust", "transfer"];

/**
 * A ledger bound to a catalog.
 */
export class Ledger {
  /**
   * @param {import("./catalog.js").Catalog} catalog the items that may be moved
   */
  constructor(catalog) {
    this.catalog = catalog;
    this.events = new Emitter();
    /** @type {object[]} every movement, in the order recorded */
    this.entries = [];
    /** @type {Map<string, object[]>} movements per SKU, in the order recorded */
    this.bySku = new Map();
    /** @type {Map<string, Map<string, number>>} on-hand per SKU, then per location */
    this.balances = new Map();
    /** @type {Map<string, number>} on-hand per SKU */
    this.totals = new Map();
    /** @type {Map<string, {sku: string, qty: number}>} open reservations by reference */
    this.reservations = new Map();
    /** @type {Map<string, number>} reserved quantity per SKU */
    this.reservedBySku = new Map();
  }

  /**
   * Records one movement.
   * @param {object} spec
   * @param {string} spec.type one of MOVEMENT_TYPES
   * @param {string} spec.sku
   * @param {number|string} spec.qty quantity in `unit` (signed for `adjust`, positive otherwise)
   * @param {string} [spec.unit] unit of `qty`; the item's base unit by default
   * @param {string} [spec.location] where; RECV for receipts without one
   * @param {string} [spec.to] destination of a transfer
   * @param {string} spec.date `YYYY-MM-DD`
   * @param {string|number} [spec.cost] unit cost of a receipt, per `unit`
   * @param {string} [spec.ref] free reference (order number, count sheet, ...)
   * @returns {object} the normalised movement as stored
   */
  record(spec) {
    if (!MOVEMENT_TYPES.includes(spec.type)) {
      throw new ValidationError(`unknown movement type "${spec.type}"`);
    }
    const sku = normalizeSku(spec.sku);
    const item = this.catalog.get(sku);
    const unit = spec.unit ?? item.baseUnit;
    const raw = parseQuantity(spec.qty);
    if (spec.type !== "adjust" && raw <= 0) {
      throw new ValidationError(`${spec.type} of ${sku} needs a positive quantity, got ${spec.qty}`);
    }
    if (spec.type === "adjust" && raw === 0) {
      throw new ValidationError(`adjustment of ${sku} needs a non-zero quantity`);
    }
    const qty = item.units.toBase(raw, unit);
    const defaultLocation = spec.type === "receipt" ? RECEIVING : undefined;
    const locationText = spec.location ?? defaultLocation;
    if (locationText === undefined) {
      throw new ValidationError(`${spec.type} of ${sku} needs a location`);
    }
    const movement = {
      seq: this.entries.length + 1,
      type: spec.type,
      sku,
      qty,
      location: normalizeLocation(locationText),
      date: parseDate(spec.date),
      ref: spec.ref ?? "",
    };
    if (spec.type === "receipt") {
      const perUnit = spec.cost === undefined ? 0 : toCents(spec.cost);
      movement.unitCost = perUnit / item.units.factor(unit);
    }
    if (spec.type === "transfer") {
      if (spec.to === undefined) {
        throw new ValidationError(`transfer of ${sku} needs a destination (to)`);
      }
      movement.to = normalizeLocation(spec.to);
      if (movement.to === movement.location) {
        throw new ValidationError(`transfer of ${sku} from ${movement.location} to itself`);
      }
    }
    this.#apply(movement);
    if (movement.type === "issue" && movement.ref) {
      this.#fulfil(movement);
    }
    this.entries.push(movement);
    const list = this.bySku.get(sku) ?? [];
    list.push(movement);
    this.bySku.set(sku, list);
    this.events.emit("movement", movement);
    return movement;
  }

  /** Shortcut for a receipt. */
  receive(sku, qty, options = {}) {
    return this.record({ ...options, type: "receipt", sku, qty });
  }

  /** Shortcut for an issue; `options.location` is required. */
  issue(sku, qty, options = {}) {
    return this.record({ ...options, type: "issue", sku, qty });
  }

  /** Shortcut for an adjustment by `delta` (signed). */
  adjust(sku, delta, options = {}) {
    return this.record({ ...options, type: "adjust", sku, qty: delta });
  }

  /** Shortcut for a transfer from `from` to `to`. */
  transfer(sku, qty, from, to, options = {}) {
    return this.record({ ...options, type: "transfer", sku, qty, location: from, to });
  }

  #change(sku, location, delta) {
    const places = this.balances.get(sku) ?? new Map();
    const have = places.get(location) ?? 0;
    const next = roundQuantity(have + delta);
    if (next < 0) {
      throw new StockError(`not enough ${sku} at ${location}: have ${have}, need ${roundQuantity(-delta)}`);
    }
    return () => {
      if (next === 0) {
        places.delete(location);
      } else {
        places.set(location, next);
      }
      this.balances.set(sku, places);
      this.totals.set(sku, roundQuantity((this.totals.get(sku) ?? 0) + delta));
    };
  }

  #apply(movement) {
    const { sku, qty, location } = movement;
    const commits = [];
    if (movement.type === "receipt") {
      commits.push(this.#change(sku, location, qty));
    } else if (movement.type === "issue") {
      commits.push(this.#change(sku, location, -qty));
    } else if (movement.type === "adjust") {
      commits.push(this.#change(sku, location, qty));
    } else {
      commits.push(this.#change(sku, location, -qty));
      commits.push(this.#change(sku, movement.to, qty));
    }
    for (const commit of commits) {
      commit();
    }
  }

  /** On-hand quantity of `sku` in base units, at one location or in total. */
  onHand(sku, location) {
    const s = normalizeSku(sku);
    if (location === undefined) {
      return this.totals.get(s) ?? 0;
    }
    return this.balances.get(s)?.get(normalizeLocation(location)) ?? 0;
  }

  /** Locations holding `sku`, as a Map of location -> quantity, in location order. */
  locationsOf(sku) {
    const places = this.balances.get(normalizeSku(sku)) ?? new Map();
    const codes = [...places.keys()].sort(compareLocations);
    return new Map(codes.map((code) => [code, places.get(code)]));
  }

  /**
   * Reserves stock of `sku` for an order `ref`. Reserved stock stays on hand but is no longer
   * available; `issue` with the same `ref` consumes the reservation.
   */
  reserve(sku, qty, ref) {
    const s = normalizeSku(sku);
    const amount = parseQuantity(qty);
    if (amount <= 0) {
      throw new ValidationError(`reservation of ${s} needs a positive quantity, got ${qty}`);
    }
    if (!ref || this.reservations.has(ref)) {
      throw new ValidationError(`reservation needs a new reference, got "${ref ?? ""}"`);
    }
    const available = this.available(s);
    if (amount > available) {
      throw new StockError(`cannot reserve ${amount} ${s}: only ${available} available`);
    }
    this.reservations.set(ref, { sku: s, qty: amount });
    this.reservedBySku.set(s, roundQuantity((this.reservedBySku.get(s) ?? 0) + amount));
    return { sku: s, qty: amount, ref };
  }

  #fulfil(movement) {
    const found = this.reservations.get(movement.ref);
    if (!found || found.sku !== movement.sku) {
      return;
    }
    const used = Math.min(found.qty, movement.qty);
    found.qty = roundQuantity(found.qty - used);
    this.reservedBySku.set(found.sku, roundQuantity(this.reservedBySku.get(found.sku) - used));
    if (found.qty === 0) {
      this.reservations.delete(movement.ref);
    }
  }

  /** Cancels the reservation `ref`; returns true when there was one. */
  release(ref) {
    const found = this.reservations.get(ref);
    if (!found) {
      return false;
    }
    this.reservations.delete(ref);
    this.reservedBySku.set(found.sku, roundQuantity(this.reservedBySku.get(found.sku) - found.qty));
    return true;
  }

  /** Reserved quantity of `sku`. */
  reserved(sku) {
    return this.reservedBySku.get(normalizeSku(sku)) ?? 0;
  }

  /** On-hand minus reserved quantity of `sku`. */
  available(sku) {
    return roundQuantity(this.onHand(sku) - this.reserved(sku));
  }

  /** Movements of one SKU, in the order recorded. */
  movementsOf(sku) {
    return [...(this.bySku.get(normalizeSku(sku)) ?? [])];
  }

  /** Every movement matching `filter` (a function), in the order recorded. */
  movements(filter = () => true) {
    return this.entries.filter(filter);
  }

  /** Total on-hand of `sku` at the end of `date`, from the movements dated up to it. */
  stockAt(sku, date) {
    const day = parseDate(date);
    let total = 0;
    for (const m of this.bySku.get(normalizeSku(sku)) ?? []) {
      if (m.date > day) {
        continue;
      }
      if (m.type === "receipt" || m.type === "adjust") {
        total += m.qty;
      } else if (m.type === "issue") {
        total -= m.qty;
      }
    }
    return roundQuantity(total);
  }

  /** SKUs that have ever moved, sorted. */
  skus() {
    return [...this.bySku.keys()].sort();
  }

  /** Number of movements recorded. */
  get size() {
    return this.entries.length;
  }
}
