/**
 * A workspace file: the JSON document the CLI reads and writes, holding the catalog and every
 * movement. Loading replays the movements through a fresh ledger, so a hand-edited file that
 * breaks a ledger rule is reported with the movement's position.
 */
import { Catalog } from "./catalog.js";
import { ParseError, StockroomError } from "./errors.js";
import { Ledger } from "./ledger.js";

export const WORKSPACE_VERSION = 1;

/**
 * Builds a ledger from a parsed workspace document.
 * @param {{version?: number, items: object[], movements?: object[], reservations?: object[]}} doc
 */
export function loadWorkspace(doc) {
  if (!doc || typeof doc !== "object" || !Array.isArray(doc.items)) {
    throw new ParseError("workspace needs an \"items\" array");
  }
  if ((doc.version ?? WORKSPACE_VERSION) !== WORKSPACE_VERSION) {
    throw new ParseError(`unsupported workspace version ${doc.version}`);
  }
  const ledger = new Ledger(new Catalog(doc.items));
  (doc.movements ?? []).forEach((spec, index) => {
    try {
      ledger.record(spec);
    } catch (err) {
      if (err instanceof StockroomError) {
        err.message = `movement ${index + 1}: ${err.message}`;
      }
      throw err;
    }
  });
  for (const r of doc.reservations ?? []) {
    ledger.reserve(r.sku, r.qty, r.ref);
  }
  return ledger;
}

/** Parses workspace JSON text. */
export function parseWorkspace(text) {
  let doc;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new ParseError(`workspace is not valid JSON: ${err.message}`);
  }
  return loadWorkspace(doc);
}

/** The workspace document of a ledger (movements in recorded order). */
export function dumpWorkspace(ledger) {
  const items = ledger.catalog.skus().map((sku) => {
    const item = ledger.catalog.get(sku);
    const packs = [...item.units.packs].map(([name, p]) => [name, p.size, p.of]);
    return {
      sku,
      name: item.name,
      unit: item.baseUnit,
      packs,
      reorderPoint: item.reorderPoint,
      leadTimeDays: item.leadTimeDays,
      minOrder: item.minOrder,
      orderUnit: item.orderUnit,
      tags: item.tags,
    };
  });
  const movements = ledger.entries.map((m) => {
    const out = { type: m.type, sku: m.sku, qty: m.qty, location: m.location, date: m.date };
    if (m.to !== undefined) {
      out.to = m.to;
    }
    if (m.unitCost !== undefined) {
      out.cost = (m.unitCost / 100).toFixed(2);
    }
    if (m.ref) {
      out.ref = m.ref;
    }
    return out;
  });
  const reservations = [...ledger.reservations].map(([ref, r]) => ({ sku: r.sku, qty: r.qty, ref }));
  return { version: WORKSPACE_VERSION, items, movements, reservations };
}
