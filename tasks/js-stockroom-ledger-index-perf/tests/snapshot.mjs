// What the ledger and everything built on it report for one deterministic ledger.
import { buildLedger } from "./gen.mjs";

export function snapshot(api) {
  const ledger = buildLedger(api, 400, 6, 11);
  const skus = ledger.skus();
  const pick = skus.filter((_, i) => i % 37 === 0);
  return {
    size: ledger.size,
    skus,
    stock: api.stockRows(ledger),
    filtered: api.stockRows(ledger, { where: "tag:odd onHand>60" }).map((r) => r.sku),
    fifo: [...api.valuate(ledger).values()],
    average: [...api.valuate(ledger, { method: "average", asOf: "2024-02-10" }).values()],
    reorders: api.suggestReorders(ledger, { asOf: "2024-03-01", windowDays: 21 }),
    stockAt: pick.map((sku) => ["2024-01-03", "2024-01-20", "2024-02-15", "2024-03-30"].map((d) => ledger.stockAt(sku, d))),
    locations: pick.map((sku) => [...ledger.locationsOf(sku)]),
    onHandAt: pick.map((sku) => [...ledger.locationsOf(sku).keys()].map((loc) => ledger.onHand(sku, loc))),
    movements: pick.map((sku) => ledger.movementsOf(sku).map((m) => m.seq)),
    issues: ledger.movements((m) => m.type === "issue").length,
    movementRows: api.movementRows(ledger, { where: "type:transfer qty>=2" }).length,
  };
}
