/**
 * Rendering a report produced by summarize().
 */
import { formatCount, formatMoney, formatPercent } from "./numbers.js";

export const FORMATS = ["table", "markdown", "csv", "json"];

/**
 * @param {ReturnType<import("./aggregate.js").summarize>} report
 * @param {"table"|"markdown"|"csv"|"json"} format
 * @param {{showTotals?: boolean}} [options] showTotals defaults to true
 * @returns {string} rendered text ending with a newline
 */
export function formatReport(report, format, options = {}) {
  const showTotals = options.showTotals ?? true;
  switch (format) {
    case "table": {
      const header = [capitalize(report.groupBy), "Units", "Revenue", "Share"];
      const body = report.rows.map((row) => [
        row.key,
        formatCount(row.units),
        formatMoney(row.revenue),
        formatPercent(row.share),
      ]);
      if (showTotals) {
        body.push(["Total", formatCount(report.totals.units), formatMoney(report.totals.revenue), "100.0%"]);
      }
      const widths = header.map((cell, i) => Math.max(cell.length, ...body.map((row) => row[i].length)));
      const line = (cells) =>
        cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ");
      const rule = widths.map((w) => "-".repeat(w)).join("  ");
      const lines = [report.title, "", line(header), rule, ...body.map(line)];
      if (showTotals) {
        lines.splice(lines.length - 1, 0, rule);
      }
      return lines.join("\n") + "\n";
    }
    case "markdown": {
      const header = [capitalize(report.groupBy), "Units", "Revenue", "Share"];
      const body = report.rows.map((row) => [
        escapeMarkdown(row.key),
        formatCount(row.units),
        formatMoney(row.revenue),
        formatPercent(row.share),
      ]);
      if (showTotals) {
        body.push(["**Total**", formatCount(report.totals.units), formatMoney(report.totals.revenue), "100.0%"]);
      }
      const line = (cells) => `| ${cells.join(" | ")} |`;
      const align = "| --- | ---: | ---: | ---: |";
      return [`## ${report.title}`, "", line(header), align, ...body.map(line)].join("\n") + "\n";
    }
    case "csv": {
      const header = [report.groupBy, "units", "revenue", "share"];
      const body = report.rows.map((row) => [
        row.key,
        String(row.units),
        row.revenue.toFixed(2),
        row.share.toFixed(4),
      ]);
      if (showTotals) {
        body.push(["TOTAL", String(report.totals.units), report.totals.revenue.toFixed(2), "1.0000"]);
      }
      return [header, ...body].map((cells) => cells.map(csvField).join(",")).join("\n") + "\n";
    }
    case "json": {
      const payload = {
        title: report.title,
        groupBy: report.groupBy,
        rows: report.rows.map((row) => ({
          key: row.key,
          units: row.units,
          revenue: Math.round(row.revenue * 100) / 100,
          share: Math.round(row.share * 10000) / 10000,
        })),
      };
      if (showTotals) {
        payload.totals = {
          units: report.totals.units,
          revenue: Math.round(report.totals.revenue * 100) / 100,
        };
      }
      return JSON.stringify(payload, null, 2) + "\n";
    }
    default:
      throw new RangeError(`unknown format ${JSON.stringify(format)}; expected one of ${FORMATS.join(", ")}`);
  }
}

function capitalize(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function escapeMarkdown(text) {
  return text.replace(/[|*_`\\]/g, (ch) => `\\${ch}`);
}

function csvField(text) {
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
