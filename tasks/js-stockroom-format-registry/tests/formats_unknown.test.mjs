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

test("formats: an unknown format names the registered ones", () => {
  api.registerFormat("wiki", (rows) => String(rows.length), "wiki");
  assert.throws(() => api.getFormat("yaml"), (err) => err instanceof ValidationError && err.message === 'unknown format "yaml" (known: csv, json, markdown, text, wiki)');
  assert.throws(() => render([], [], "yaml"), ValidationError);
  const out = cli(["stock", "--data", "ws.json", "--format", "yaml"]);
  assert.equal(out.code, 1);
  assert.equal(out.stderr, 'stockroom: unknown format "yaml" (known: csv, json, markdown, text, wiki)\n');
  assert.equal(out.stdout, "");
});
