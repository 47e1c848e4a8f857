// Run by perf.test.mjs in a child process: many per-SKU lookups on a ledger with many SKUs.
import { performance } from "node:perf_hooks";

const setupStart = performance.now();
const [items, calls] = process.argv.slice(2).map(Number);
const api = await import("/repo/src/index.js");
const specs = [];
for (let i = 0; i < items; i += 1) {
  specs.push({ sku: `LK-${String(100000 + i).slice(1)}`, name: `Lookup ${i}` });
}
const ledger = new api.Ledger(new api.Catalog(specs));
for (let i = 0; i < items; i += 1) {
  ledger.receive(specs[i].sku, 3 + (i % 5), { date: "2024-05-01", location: `C-${String(1 + (i % 40)).padStart(2, "0")}-${String(1 + (i % 29)).padStart(2, "0")}` });
}
process.stdout.write(JSON.stringify({ setupMs: performance.now() - setupStart }) + "\n");
const start = performance.now();
let total = 0;
for (let c = 0; c < calls; c += 1) {
  const sku = specs[(c * 7919) % items].sku;
  total += ledger.locationsOf(sku).size + ledger.movementsOf(sku).length + ledger.stockAt(sku, "2024-05-02");
}
const ms = performance.now() - start;
process.stdout.write(JSON.stringify({ ms, total }));
