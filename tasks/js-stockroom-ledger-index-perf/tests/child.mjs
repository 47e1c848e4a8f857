// Run by perf.test.mjs in a child process, so a slow ledger is killed by the timeout.
import { performance } from "node:perf_hooks";
import { buildLedger } from "./gen.mjs";

const setupStart = performance.now();

const [items, perItem, mode] = process.argv.slice(2);
const api = await import("/repo/src/index.js");
const ledger = buildLedger(api, Number(items), Number(perItem));
process.stdout.write(JSON.stringify({ setupMs: performance.now() - setupStart }) + "\n");
const start = performance.now();
let summary;
if (mode === "stock") {
  const rows = api.stockRows(ledger);
  summary = { rows: rows.length, onHand: rows.reduce((s, r) => s + r.onHand, 0), locations: rows.filter((r) => r.locations.includes(" ")).length };
} else {
  const valuation = api.valuate(ledger);
  const reorders = api.suggestReorders(ledger, { asOf: "2024-03-15", windowDays: 30 });
  summary = { value: api.totalValue(valuation), cogs: api.totalCogs(valuation), reorders: reorders.length };
}
const ms = performance.now() - start;
process.stdout.write(JSON.stringify({ ms, summary, movements: ledger.size }));
