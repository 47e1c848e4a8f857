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

test("formats: every CLI command accepts a registered format", () => {
  api.registerFormat("tsv2", (rows, columns) => rows.map((r) => columns.map((c) => String(r[c.key] ?? "")).join("\t")).join("\n") + "\n", "tabs");
  const stock = cli(["stock", "--data", "ws.json", "--format", "tsv2"]);
  assert.equal(stock.code, 0, stock.stderr);
  assert.equal(stock.stdout, "INK-0007\tInk | blue\t2\t0\t2\teach\tD-01-02:2\nPEN-0042\tPen\t3\t0\t3\teach\tD-01-01:3\n");
  const moves = cli(["movements", "--data", "ws.json", "--format=tsv2"]);
  assert.equal(moves.code, 0, moves.stderr);
  assert.equal(moves.stdout.split("\n")[0], "1\t2024-02-01\treceipt\tPEN-0042\t3\tD-01-01\t\t");
  const value = cli(["value", "--data", "ws.json", "--format", "tsv2"]);
  assert.equal(value.stdout, "INK-0007\t2\t8.20\t0.00\nPEN-0042\t3\t2.40\t0.00\nTOTAL\t\t10.60\t0.00\n");
  const reorder = cli(["reorder", "--data", "ws.json", "--as-of", "2024-02-10", "--format", "tsv2"]);
  assert.equal(reorder.stdout, "PEN-0042\t3\t0\t2\t2\teach\n");
});
