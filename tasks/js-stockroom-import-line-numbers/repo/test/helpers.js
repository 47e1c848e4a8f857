// Shared fixtures for the visible tests.
import { Catalog } from "../src/catalog.js";
import { Ledger } from "../src/ledger.js";

/** A small catalog: mugs in boxes and cases, flour by weight, cable by length. */
export function sampleCatalog() {
  return new Catalog([
    { sku: "MUG-1001", name: "Red mug", packs: [["box", 6], ["case", 4, "box"]], reorderPoint: 24, leadTimeDays: 5, orderUnit: "box", tags: ["kitchen", "fragile"] },
    { sku: "FLR-0200", name: "Flour", unit: "kg", packs: [["sack", 25]], reorderPoint: 50, leadTimeDays: 3, orderUnit: "sack", tags: ["food"] },
    { sku: "CAB-0042", name: "Cable", unit: "m", reorderPoint: 0, tags: ["electric"] },
  ]);
}

/** A ledger over sampleCatalog() with a few movements. */
export function sampleLedger() {
  const ledger = new Ledger(sampleCatalog());
  ledger.receive("MUG-1001", 2, { unit: "case", cost: "24.00", date: "2024-03-01" });
  ledger.transfer("MUG-1001", 30, "RECV", "A-01-02", { date: "2024-03-01" });
  ledger.issue("MUG-1001", 12, { location: "A-01-02", date: "2024-03-04", ref: "SO-1" });
  ledger.receive("FLR-0200", 4, { unit: "sack", cost: "18.50", date: "2024-03-02", location: "B-02-01" });
  ledger.issue("FLR-0200", 7.5, { location: "B-02-01", date: "2024-03-05" });
  return ledger;
}
