/**
 * Inventory valuation. FIFO keeps cost layers per SKU (one per receipt) and charges issues to the
 * oldest layers first; the moving-average method keeps one average cost per SKU. Both replay the
 * ledger in date order (movements of the same day in the order they were recorded).
 *
 * Costs are in cents per base unit and may be fractional; totals are rounded half to even only
 * when reported.
 */
import { roundHalfEven } from "./money.js";
import { roundQuantity } from "./units.js";

const byDateThenSeq = (a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.seq - b.seq);

/**
 * FIFO cost layers of one SKU.
 */
export class FifoLayers {
  constructor() {
    /** @type {Array<{qty: number, unitCost: number, date: string}>} oldest first */
    this.layers = [];
    this.lastCost = 0;
  }

  /** Adds a layer of `qty` at `unitCost` cents each. */
  add(qty, unitCost, date = "") {
    this.layers.push({ qty, unitCost, date });
    this.lastCost = unitCost;
  }

  /**
   * Takes `qty` out of the oldest layers and returns its cost in (fractional) cents. Layers that
   * are used up are removed; a partly used layer keeps its remaining quantity. Taking more than
   * the layers hold charges the rest at the last known cost.
   */
  take(qty) {
    let left = qty;
    let cost = 0;
    while (left > 0 && this.layers.length > 0) {
      const layer = this.layers[0];
      const used = Math.min(layer.qty, left);
      cost += used * layer.unitCost;
      layer.qty = roundQuantity(layer.qty - used);
      left = roundQuantity(left - used);
      if (layer.qty <= 0) {
        this.layers.shift();
      }
    }
    if (left > 0) {
      cost += left * this.lastCost;
    }
    return cost;
  }

  /** Quantity in all layers. */
  get quantity() {
    return roundQuantity(this.layers.reduce((sum, l) => sum + l.qty, 0));
  }

  /** Value of all layers, in fractional cents. */
  get value() {
    return this.layers.reduce((sum, l) => sum + l.qty * l.unitCost, 0);
  }
}

/**
 * Moving-average cost of one SKU.
 */
export class AverageCost {
  constructor() {
    this.qty = 0;
    this.unitCost = 0;
  }

  /** Adds `qty` at `unitCost`; the average moves. */
  add(qty, unitCost) {
    const total = this.qty * this.unitCost + qty * unitCost;
    this.qty = roundQuantity(this.qty + qty);
    this.unitCost = this.qty > 0 ? total / this.qty : unitCost;
  }

  /** Takes `qty` at the current average and returns its cost. */
  take(qty) {
    this.qty = roundQuantity(this.qty - qty);
    return qty * this.unitCost;
  }

  get quantity() {
    return this.qty;
  }

  get value() {
    return this.qty * this.unitCost;
  }
}

/**
 * Values the ledger up to and including `asOf` (every movement when omitted).
 * @param {import("./ledger.js").Ledger} ledger
 * @param {{method?: "fifo"|"average", asOf?: string}} [options]
 * @returns {Map<string, {sku: string, qty: number, value: number, cogs: number}>} per SKU, with
 *   `value` (stock on hand) and `cogs` (cost of everything issued or written off) in whole cents
 */
export function valuate(ledger, options = {}) {
  const method = options.method ?? "fifo";
  if (method !== "fifo" && method !== "average") {
    throw new RangeError(`unknown valuation method "${method}"`);
  }
  const out = new Map();
  for (const sku of ledger.skus()) {
    const book = method === "fifo" ? new FifoLayers() : new AverageCost();
    let cogs = 0;
    const moves = ledger.movementsOf(sku).filter((m) => options.asOf === undefined || m.date <= options.asOf);
    moves.sort(byDateThenSeq);
    for (const m of moves) {
      if (m.type === "receipt") {
        book.add(m.qty, m.unitCost, m.date);
      } else if (m.type === "issue") {
        cogs += book.take(m.qty);
      } else if (m.type === "adjust" && m.qty > 0) {
        book.add(m.qty, method === "fifo" ? book.lastCost : book.unitCost, m.date);
      } else if (m.type === "adjust") {
        cogs += book.take(-m.qty);
      }
    }
    out.set(sku, { sku, qty: book.quantity, value: roundHalfEven(book.value), cogs: roundHalfEven(cogs) });
  }
  return out;
}

/** Sum of `value` over every SKU of a valuation, in cents. */
export function totalValue(valuation) {
  let sum = 0;
  for (const row of valuation.values()) {
    sum += row.value;
  }
  return sum;
}

/** Sum of `cogs` over every SKU of a valuation, in cents. */
export function totalCogs(valuation) {
  let sum = 0;
  for (const row of valuation.values()) {
    sum += row.cogs;
  }
  return sum;
}
