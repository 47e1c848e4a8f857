/**
 * The item catalog: what can be stocked. Each item has a SKU, a name, a base unit with its packs,
 * and the planning parameters the reorder module uses.
 */
import { StockError, ValidationError } from "./errors.js";
import { PackTable } from "./units.js";

const SKU_PATTERN = /^[A-Z]{2,4}-\d{3,6}(?:-[A-Z0-9]{1,4})?$/;

/** True when `sku` looks like `ABC-1234` or `ABC-1234-XL`. */
export function isValidSku(sku) {
  return SKU_PATTERN.test(sku);
}

/** Normalises user input ("abc-0012 ") into a SKU, or throws ValidationError. */
export function normalizeSku(text) {
  const sku = String(text).trim().toUpperCase();
  if (!isValidSku(sku)) {
    throw new ValidationError(`invalid SKU "${text}" (expected e.g. ABC-1234 or ABC-1234-XL)`);
  }
  return sku;
}

/**
 * One catalog item.
 */
export class Item {
  /**
   * @param {object} spec
   * @param {string} spec.sku
   * @param {string} spec.name
   * @param {string} [spec.unit] base unit, "each" by default
   * @param {Array<[string, number, string?]>} [spec.packs] pack definitions for PackTable.define
   * @param {number} [spec.reorderPoint] on-hand level at or below which to reorder
   * @param {number} [spec.leadTimeDays] supplier lead time
   * @param {number} [spec.minOrder] smallest order quantity, in base units
   * @param {string} [spec.orderUnit] pack the supplier sells in; orders are rounded up to it
   * @param {string[]} [spec.tags]
   */
  constructor(spec) {
    this.sku = normalizeSku(spec.sku);
    if (!spec.name || !String(spec.name).trim()) {
      throw new ValidationError(`item ${this.sku} needs a name`);
    }
    this.name = String(spec.name).trim();
    this.units = new PackTable(spec.unit ?? "each");
    for (const [name, size, of] of spec.packs ?? []) {
      this.units.define(name, size, of);
    }
    this.reorderPoint = spec.reorderPoint ?? 0;
    this.leadTimeDays = spec.leadTimeDays ?? 7;
    this.minOrder = spec.minOrder ?? 1;
    this.orderUnit = spec.orderUnit ?? this.units.baseUnit;
    this.units.factor(this.orderUnit); // unknown order units fail early
    this.tags = [...(spec.tags ?? [])].map((t) => String(t).toLowerCase());
  }

  /** The base unit this item is counted in. */
  get baseUnit() {
    return this.units.baseUnit;
  }

  /** A plain object for JSON output. */
  toJSON() {
    return {
      sku: this.sku,
      name: this.name,
      unit: this.baseUnit,
      reorderPoint: this.reorderPoint,
      leadTimeDays: this.leadTimeDays,
      tags: this.tags,
    };
  }
}

/**
 * All known items, by SKU.
 */
export class Catalog {
  constructor(items = []) {
    /** @type {Map<string, Item>} */
    this.items = new Map();
    for (const item of items) {
      this.add(item);
    }
  }

  /** Adds an item (an Item or a spec object); SKUs must be unique. */
  add(item) {
    const entry = item instanceof Item ? item : new Item(item);
    if (this.items.has(entry.sku)) {
      throw new StockError(`duplicate SKU ${entry.sku}`);
    }
    this.items.set(entry.sku, entry);
    return entry;
  }

  /** The item with this SKU, or a StockError. */
  get(sku) {
    const item = this.items.get(normalizeSku(sku));
    if (!item) {
      throw new StockError(`unknown SKU ${sku}`);
    }
    return item;
  }

  /** True when the SKU is in the catalog. */
  has(sku) {
    return isValidSku(String(sku).trim().toUpperCase()) && this.items.has(String(sku).trim().toUpperCase());
  }

  /** Every SKU in sorted order. */
  skus() {
    return [...this.items.keys()].sort();
  }

  /** Items carrying `tag`. */
  tagged(tag) {
    const wanted = tag.toLowerCase();
    return this.skus()
      .map((sku) => this.items.get(sku))
      .filter((item) => item.tags.includes(wanted));
  }

  get size() {
    return this.items.size;
  }
}
