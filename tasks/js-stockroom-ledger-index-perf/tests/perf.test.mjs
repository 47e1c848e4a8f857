import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

// The bounds are relative to the time the same child process needs to build the ledger (linear
// work: recording every movement), so they do not depend on how fast or busy the machine is.
// With an index, a full report costs a fraction of building the ledger; scanning the ledger once
// per SKU costs tens of times more. A child that runs KILL_FACTOR x its build time is killed.
const ITEMS = 15000;
const PER_ITEM = 4;
const REPORT_RATIO = 1.0;
const LOOKUP_ITEMS = 50000;
const LOOKUP_CALLS = 50000;
const LOOKUP_RATIO = 1.0;
const KILL_FACTOR = 3;
const HARD_KILL_MS = 300000;

function runChild(script, args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [fileURLToPath(new URL(script, import.meta.url)), ...args.map(String)]);
    let out = "";
    let err = "";
    let timer = null;
    const hard = setTimeout(() => child.kill("SIGKILL"), HARD_KILL_MS);
    child.stdout.on("data", (chunk) => {
      out += chunk;
      if (timer === null && out.includes("\n")) {
        const { setupMs } = JSON.parse(out.slice(0, out.indexOf("\n")));
        timer = setTimeout(() => child.kill("SIGKILL"), Math.max(2000, KILL_FACTOR * setupMs));
      }
    });
    child.stderr.on("data", (chunk) => (err += chunk));
    child.on("close", (code, signal) => {
      clearTimeout(hard);
      clearTimeout(timer);
      const [first, second] = out.split("\n");
      resolve({ code, signal, err, setup: first ? JSON.parse(first) : null, result: second ? JSON.parse(second) : null });
    });
  });
}

function check(run, ratio, what) {
  assert.equal(run.signal, null, `${what} was killed after ${KILL_FACTOR} x the ledger build time (${run.setup?.setupMs.toFixed(0)} ms)`);
  assert.equal(run.code, 0, run.err);
  const { setupMs } = run.setup;
  const { ms } = run.result;
  assert.ok(ms < ratio * setupMs, `${what} took ${ms.toFixed(0)} ms, building the ledger ${setupMs.toFixed(0)} ms (bound ${ratio} x)`);
}

test("perf: stock report of 15000 items within the bound", async () => {
  const run = await runChild("./child.mjs", [ITEMS, PER_ITEM, "stock"]);
  check(run, REPORT_RATIO, "stockRows");
  assert.equal(run.result.movements, 60000);
  assert.deepEqual(run.result.summary, { rows: 15000, onHand: 1169851, locations: 11245 });
});

test("perf: valuation and reorder planning of 15000 items within the bound", async () => {
  const run = await runChild("./child.mjs", [ITEMS, PER_ITEM, "value"]);
  check(run, REPORT_RATIO, "valuate + suggestReorders");
  assert.deepEqual(run.result.summary, { value: 644211105, cogs: 18718025, reorders: 5358 });
});

test("perf: per-SKU lookups do not scan the whole ledger", async () => {
  const run = await runChild("./lookup_child.mjs", [LOOKUP_ITEMS, LOOKUP_CALLS]);
  check(run, LOOKUP_RATIO, "50000 x (locationsOf + movementsOf + stockAt)");
  assert.equal(run.result.total, 350000);
});
