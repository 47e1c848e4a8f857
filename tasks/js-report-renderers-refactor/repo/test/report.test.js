import { test } from "node:test";
import assert from "node:assert/strict";
import { formatMoney, formatPercent, formatReport, summarize } from "../src/index.js";
import { RECORDS } from "./fixtures.js";

test("money and percent formatting", () => {
  assert.equal(formatMoney(1234567.891), "1,234,567.89");
  assert.equal(formatMoney(-5), "-5.00");
  assert.equal(formatPercent(0.12345), "12.3%");
});

test("summarize groups and sorts by revenue", () => {
  const report = summarize(RECORDS, { by: "region" });
  assert.deepEqual(report.rows.map((row) => row.key), ["north", "south", "east"]);
  assert.equal(report.totals.units, 1220);
});

test("table output", () => {
  const text = formatReport(summarize(RECORDS, { by: "month" }), "table");
  assert.equal(
    text,
    [
      "Sales by month",
      "",
      "Month    Units    Revenue   Share",
      "-------  -----  ---------  ------",
      "2024-02  1,207  13,533.25   99.4%",
      "2024-01     13      81.00    0.6%",
      "-------  -----  ---------  ------",
      "Total    1,220  13,614.25  100.0%",
      "",
    ].join("\n"),
  );
});

test("csv output without totals", () => {
  const text = formatReport(summarize(RECORDS, { by: "product" }), "csv", { showTotals: false });
  assert.equal(text, "product,units,revenue,share\nplate,1203,13536.00,0.9943\nmug,17,78.25,0.0057\n");
});

test("unknown format", () => {
  assert.throws(() => formatReport(summarize(RECORDS), "pdf"), /unknown format "pdf"/);
});
