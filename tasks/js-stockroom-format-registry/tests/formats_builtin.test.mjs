import { test } from "node:test";
import assert from "node:assert/strict";
import * as api from "/repo/src/index.js";

const { Catalog, Ledger, ValidationError, dumpWorkspace, render, runCli } = api;

function workspace() {
  const ledger = new Ledger(new Catalog([{ sku: "PEN-0042", name: "Pen", reorderPoint: 5 }, { sku: "INK-0007", name: "Ink | blue" }]));
  ledger.receive("PEN-0042", 3, { date: "2024-02-01", location: "D-01-01", cost: "0.80" });
  ledger.receive("INK-0007", 2, { date: "2024-02-02", location: "D-01-02", cost: "4.10" });
  return { "ws.json": JSON.stringify(dumpWorkspace(ledger)) };
}

function cli(argv, files = workspace()) {
  const out = { stdout: "", stderr: "" };
  const env = { stdout: (t) => (out.stdout += t), stderr: (t) => (out.stderr += t), readFile: (p) => files[p], writeFile: (p, t) => (files[p] = t) };
  out.code = runCli(argv, env);
  return out;
}

test("formats: built-in output is unchanged", () => {
  const rows = [{ sku: "A|1", qty: 7, note: 'say "x"' }, { sku: "B", qty: 12 }];
  const columns = [{ key: "sku", title: "SKU" }, { key: "qty", title: "Qty", align: "right" }, { key: "note", title: "Note" }];
  assert.equal(render(rows, columns), 'SKU  Qty  Note\n---  ---  -------\nA|1    7  say "x"\nB     12\n');
  assert.equal(render(rows, columns, "markdown"), '| SKU | Qty | Note |\n| --- | ---: | --- |\n| A\\|1 | 7 | say "x" |\n| B | 12 |  |\n');
  assert.equal(render(rows, columns, "json"), JSON.stringify([{ sku: "A|1", qty: 7, note: 'say "x"' }, { sku: "B", qty: 12, note: null }], null, 2) + "\n");
  assert.equal(render(rows, columns, "csv"), 'sku,qty,note\nA|1,7,"say ""x"""\nB,12,\n');
});

test("formats: built-in formats through the CLI", () => {
  const out = cli(["value", "--data", "ws.json", "--format", "markdown"]);
  assert.equal(out.code, 0);
  assert.equal(out.stdout.split("\n")[0], "| SKU | Qty | Value | COGS |");
  const json = cli(["stock", "--data", "ws.json", "--format", "json"]);
  assert.deepEqual(JSON.parse(json.stdout).map((r) => r.sku), ["INK-0007", "PEN-0042"]);
  const listing = cli(["formats"]);
  assert.match(listing.stdout, /^csv {8}CSV with a header row\njson {7}JSON array of objects\n/);
});
