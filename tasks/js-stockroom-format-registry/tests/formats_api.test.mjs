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

const pipes = (rows, columns) => rows.map((r) => columns.map((c) => String(r[c.key] ?? "")).join("|")).join("\n") + "\n";

test("formats: registerFormat, listFormats and getFormat are exported", () => {
  assert.equal(typeof api.registerFormat, "function");
  assert.deepEqual(api.listFormats(), ["csv", "json", "markdown", "text"]);
  api.registerFormat("pipes", pipes, "pipe-separated values");
  assert.deepEqual(api.listFormats(), ["csv", "json", "markdown", "pipes", "text"]);
  const got = api.getFormat("pipes");
  assert.equal(got.render, pipes);
  assert.equal(got.description, "pipe-separated values");
  assert.equal(typeof api.getFormat("markdown").render, "function");
  assert.equal(cli(["stock", "--data", "ws.json", "--format", "pipes"]).stdout, "INK-0007|Ink | blue|2|0|2|each|D-01-02:2\nPEN-0042|Pen|3|0|3|each|D-01-01:3\n");
});

test("formats: render uses a registered format", () => {
  api.registerFormat("keys-only", (rows, columns) => columns.map((c) => c.key).join(",") + `:${rows.length}`);
  assert.equal(render([{ a: 1 }, { a: 2 }], [{ key: "a", title: "A" }, { key: "b", title: "B" }], "keys-only"), "a,b:2");
  assert.equal(api.getFormat("keys-only").description, "");
});

test("formats: bad names and renderers are rejected", () => {
  for (const name of ["", "Html", "9x", "two words", "a_b"]) {
    assert.throws(() => api.registerFormat(name, () => ""), ValidationError, `name ${JSON.stringify(name)}`);
  }
  assert.throws(() => api.registerFormat("nofn", "not a function"), ValidationError);
  assert.equal(api.listFormats().includes("nofn"), false);
});
