import { test } from "node:test";
import assert from "node:assert/strict";
import { render, stockRows, valueRows } from "../src/report.js";
import { runCli } from "../src/cli.js";
import { dumpWorkspace } from "../src/workspace.js";
import { sampleLedger } from "./helpers.js";

const COLUMNS = [
  { key: "sku", title: "SKU" },
  { key: "qty", title: "Qty", align: "right" },
];

test("text and markdown tables", () => {
  const rows = [{ sku: "A", qty: 5 }, { sku: "BB", qty: 10 }];
  assert.equal(render(rows, COLUMNS, "text"), "SKU  Qty\n---  ---\nA      5\nBB    10\n");
  assert.equal(render(rows, COLUMNS, "markdown"), "| SKU | Qty |\n| --- | ---: |\n| A | 5 |\n| BB | 10 |\n");
  assert.equal(render(rows, COLUMNS, "csv"), "sku,qty\nA,5\nBB,10\n");
});

test("stock rows are filtered by a query", () => {
  const rows = stockRows(sampleLedger(), { where: "tag:food" });
  assert.deepEqual(rows.map((r) => [r.sku, r.onHand]), [["FLR-0200", 92.5]]);
});

test("value rows end with a total", () => {
  const rows = valueRows(sampleLedger());
  assert.deepEqual(rows.at(-1), { sku: "TOTAL", qty: "", value: "104.45", cogs: "17.55" });
});

function memoryEnv(files) {
  const out = { stdout: "", stderr: "" };
  return {
    out,
    stdout: (t) => (out.stdout += t),
    stderr: (t) => (out.stderr += t),
    readFile: (p) => {
      if (!(p in files)) {
        throw Object.assign(new Error(`ENOENT ${p}`), { code: "ENOENT" });
      }
      return files[p];
    },
    writeFile: (p, t) => (files[p] = t),
  };
}

test("cli stock as json and usage errors", () => {
  const files = { "ws.json": JSON.stringify(dumpWorkspace(sampleLedger())) };
  const env = memoryEnv(files);
  assert.equal(runCli(["stock", "--data", "ws.json", "--format", "json", "--where", "sku:FLR-*"], env), 0);
  assert.equal(JSON.parse(env.out.stdout)[0].onHand, 92.5);
  const bad = memoryEnv(files);
  assert.equal(runCli(["stock"], bad), 2);
  assert.match(bad.out.stderr, /--data FILE is required/);
  assert.equal(runCli(["explode"], bad), 2);
});

test("cli import appends movements to the workspace", () => {
  const files = {
    "ws.json": JSON.stringify(dumpWorkspace(sampleLedger())),
    "in.csv": "type,sku,qty,date,location\nissue,CAB-0042,1,2024-03-09,RECV\nreceipt,CAB-0042,30,2024-03-08,\n",
  };
  const env = memoryEnv(files);
  assert.equal(runCli(["import", "--data", "ws.json", "in.csv"], env), 0);
  assert.equal(env.out.stdout, "imported 1 movements\nline 2: not enough CAB-0042 at RECV: have 0, need 1\n");
  assert.equal(JSON.parse(files["ws.json"]).movements.length, 6);
});
