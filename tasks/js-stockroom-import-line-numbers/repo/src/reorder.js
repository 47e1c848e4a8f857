/**
 * Reorder planning. For every catalog item the planner looks at how much was issued over a recent
 * window, projects that demand over the supplier's lead time, and suggests an order when the
 * stock position (available stock: on hand minus reserved) would not cover it.
 */
import { addDays, parseDate } from "./dates.js";
import { roundQuantity } from "./units.js";

/**
 * Average quantity of `sku` issued per day over the `windowDays` days ending with `asOf`
 * (both ends included). Only issues count: transfers and adjustments are not demand.
 */
export function averageDailyUsage(ledger, sku, asOf, windowDays = 30) {
  const end = parseDate(asOf);
  const start = addDays(end, -(windowDays - 1));
  let issued = 0;
  for (const m of ledger.movementsOf(sku)) {
    if (m.type === "issue" && m.date >= start && m.date <= end) {
      issued += m.qty;
    }
  }
  return issued / windowDays;
}

/**
 * Rounds `qty` up to whole `unit` packs of `item` and returns it in base units.
 */
export function roundUpToPack(item, qty) {
  const size = item.units.factor(item.orderUnit);
  return roundQuantity(Math.ceil(roundQuantity(qty / size)) * size);
}

/**
 * Reorder suggestions, one per item that needs ordering, in catalog (SKU) order. An item needs
 * ordering when its position is at or below its trigger, the larger of its reorder point and its
 * demand over the lead time, and that trigger is positive. The order brings the position up to
 * the trigger plus `coverDays` of demand, at least `minOrder`, rounded up to whole order units.
 * @param {import("./ledger.js").Ledger} ledger
 * @param {{asOf: string, windowDays?: number, coverDays?: number, skus?: string[]}} options
 *   `coverDays`: how many days of demand an order should cover beyond the lead time (14)
 * @returns {Array<{sku: string, position: number, dailyUsage: number, reorderPoint: number,
 *   orderQty: number, orderUnit: string, packs: number}>}
 */
export function suggestReorders(ledger, options) {
  const asOf = parseDate(options.asOf);
  const windowDays = options.windowDays ?? 30;
  const coverDays = options.coverDays ?? 14;
  const catalog = ledger.catalog;
  const skus = options.skus ?? catalog.skus();
  const out = [];
  for (const sku of skus) {
    const item = catalog.get(sku);
    const usage = averageDailyUsage(ledger, item.sku, asOf, windowDays);
    const position = ledger.available(item.sku);
    const leadDemand = usage * item.leadTimeDays;
    const trigger = Math.max(item.reorderPoint, leadDemand);
    if (trigger <= 0 || position > trigger) {
      continue;
    }
    const target = trigger + usage * coverDays;
    const wanted = Math.max(item.minOrder, target - position);
    const orderQty = roundUpToPack(item, wanted);
    if (orderQty <= 0) {
      continue;
    }
    out.push({
      sku: item.sku,
      position,
      dailyUsage: roundQuantity(usage),
      reorderPoint: item.reorderPoint,
      orderQty,
      orderUnit: item.orderUnit,
      packs: roundQuantity(orderQty / item.units.factor(item.orderUnit)),
    });
  }
  return out;
}
