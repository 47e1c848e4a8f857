import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import * as lib from "/repo/src/index.js";
import { CASES, RECORDS } from "./fixtures.mjs";

const GOLDEN = JSON.parse(readFileSync(new URL("./golden.json", import.meta.url), "utf8"));
const BUILTIN = ["table", "markdown", "csv", "json"];

function options(showTotals) {
  return showTotals === undefined ? undefined : { showTotals };
}

for (const format of BUILTIN) {
  test(`refactor: formatReport ${format} output is byte-identical`, () => {
    for (const c of CASES.filter((x) => x.format === format)) {
      const report = lib.summarize(RECORDS, { by: c.by });
      assert.equal(lib.formatReport(report, format, options(c.showTotals)), GOLDEN[`${c.by}/${format}/${c.showTotals}`]);
    }
  });
}

test("refactor: empty report output unchanged", () => {
  const report = lib.summarize([], { by: "region" });
  assert.equal(lib.formatReport(report, "table"), GOLDEN["empty/table/true"]);
  assert.equal(lib.formatReport(report, "json"), GOLDEN["empty/json/true"]);
});

test("refactor: unknown format still a RangeError", () => {
  assert.throws(() => lib.formatReport(lib.summarize(RECORDS), "pdf"), (err) => err instanceof RangeError && /unknown format "pdf"/.test(err.message));
});

test("refactor: CLI output unchanged", () => {
  const dir = mkdtempSync(join(tmpdir(), "salesreport-"));
  const file = join(dir, "sales.json");
  writeFileSync(file, JSON.stringify(RECORDS));
  const run = (...args) => spawnSync(process.execPath, ["/repo/bin/salesreport.js", ...args, file], { encoding: "utf8" });
  const md = run("--by", "product", "--format", "markdown");
  assert.equal(md.status, 0, md.stderr);
  assert.equal(md.stdout, GOLDEN["product/markdown/true"]);
  const csv = run("--by", "month", "--format", "csv", "--no-totals");
  assert.equal(csv.stdout, GOLDEN["month/csv/false"]);
  const bad = run("--format", "pdf");
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /unknown format "pdf"/);
});

for (const format of BUILTIN) {
  test(`refactor: renderers/${format}.js render() matches formatReport`, async () => {
    const mod = await import(`/repo/src/renderers/${format}.js`);
    assert.equal(typeof mod.render, "function");
    for (const c of CASES.filter((x) => x.format === format && x.showTotals !== undefined)) {
      const report = lib.summarize(RECORDS, { by: c.by });
      assert.equal(mod.render(report, { showTotals: c.showTotals }), GOLDEN[`${c.by}/${format}/${c.showTotals}`]);
    }
    const report = lib.summarize(RECORDS, { by: "region" });
    assert.equal(mod.render(report, {}), GOLDEN[`region/${format}/true`]);
  });
}

test("refactor: registry module exposes the built-in formats", async () => {
  const registry = await import("/repo/src/renderers/index.js");
  assert.deepEqual(registry.listFormats(), ["csv", "json", "markdown", "table"]);
  const table = await import("/repo/src/renderers/table.js");
  assert.equal(registry.getRenderer("table"), table.render);
  assert.equal(lib.getRenderer, registry.getRenderer);
  assert.equal(lib.listFormats, registry.listFormats);
  assert.equal(lib.registerRenderer, registry.registerRenderer);
});

test("refactor: getRenderer rejects unknown names listing the formats", async () => {
  const registry = await import("/repo/src/renderers/index.js");
  assert.throws(() => registry.getRenderer("pdf"), {
    name: "RangeError",
    message: 'unknown format "pdf"; expected one of csv, json, markdown, table',
  });
});

test("refactor: registerRenderer adds a format usable everywhere", async () => {
  const registry = await import("/repo/src/renderers/index.js");
  const seen = [];
  registry.registerRenderer("keys", (report, opts) => {
    seen.push(opts);
    return report.rows.map((row) => row.key).join(";") + "\n";
  });
  const report = lib.summarize(RECORDS, { by: "region" });
  assert.equal(lib.formatReport(report, "keys"), "north;west|coast;south;east\n");
  assert.deepEqual(seen, [{ showTotals: true }]);
  assert.ok(registry.listFormats().includes("keys"));
  assert.throws(() => registry.registerRenderer("", () => ""), TypeError);
  assert.throws(() => registry.registerRenderer("x", "nope"), TypeError);
});
