/**
 * Reports: stock on hand, movements and valuation as rows, and the renderers that turn rows into
 * text, Markdown, JSON or CSV.
 */
import { ValidationError } from "./errors.js";
import { formatCents } from "./money.js";
import { compileQuery } from "./query.js";
import { stringifyCsv } from "./csv.js";
import { valuate } from "./valuation.js";

/**
 * Renders `rows` with `columns` as `format`: "text", "markdown", "json" or "csv".
 * @param {object[]} rows
 * @param {Array<{key: string, title: string, align?: string}>} columns
 * @param {string} [format]
 */
export function render(rows, columns, format = "text") {
  switch (format) {
    case "text":
      return renderText(rows, columns);
    case "markdown":
      return renderMarkdown(rows, columns);
    case "json":
      return renderJson(rows, columns);
    case "csv":
      return renderCsv(rows, columns);
    default:
      throw new ValidationError(`unknown format "${format}"`);
  }
}

const cell = (value) => (value === undefined || value === null ? "" : String(value));

function renderText(rows, columns) {
  const widths = columns.map((c) => Math.max(c.title.length, ...rows.map((r) => cell(r[c.key]).length)));
  const pad = (text, i) => (columns[i].align === "right" ? text.padStart(widths[i]) : text.padEnd(widths[i]));
  const lines = [columns.map((c, i) => pad(c.title, i)).join("  ").trimEnd()];
  lines.push(widths.map((w) => "-".repeat(w)).join("  "));
  for (const row of rows) {
    lines.push(columns.map((c, i) => pad(cell(row[c.key]), i)).join("  ").trimEnd());
  }
  return lines.join("\n") + "\n";
}

function renderMarkdown(rows, columns) {
  const escape = (text) => text.replace(/\|/g, "\\|");
  const lines = [`| ${columns.map((c) => escape(c.title)).join(" | ")} |`];
  lines.push(`| ${columns.map((c) => (c.align === "right" ? "---:" : "---")).join(" | ")} |`);
  for (const row of rows) {
    lines.push(`| ${columns.map((c) => escape(cell(row[c.key]))).join(" | ")} |`);
  }
  return lines.join("\n") + "\n";
}

function renderJson(rows, columns) {
  const picked = rows.map((row) => Object.fromEntries(columns.map((c) => [c.key, row[c.key] ?? null])));
  return JSON.stringify(picked, null, 2) + "\n";
}

function renderCsv(rows, columns) {
  return stringifyCsv([columns.map((c) => c.key), ...rows.map((row) => columns.map((c) => cell(row[c.key])))]);
}

export const STOCK_COLUMNS = [
  { key: "sku", title: "SKU" },
  { key: "name", title: "Name" },
  { key: "onHand", title: "On hand", align: "right" },
  { key: "reserved", title: "Reserved", align: "right" },
  { key: "available", title: "Available", align: "right" },
  { key: "unit", title: "Unit" },
  { key: "locations", title: "Locations" },
];

/**
 * One row per catalog item with stock or movements, sorted by SKU, filtered by `where`.
 * Row fields: sku, name, tags, onHand, reserved, available, unit, locations (e.g.
 * "A-01-02:5 RECV:3"), location (the first location, for queries).
 */
export function stockRows(ledger, options = {}) {
  const predicate = compileQuery(options.where ?? "");
  const rows = [];
  for (const sku of ledger.catalog.skus()) {
    const item = ledger.catalog.get(sku);
    const places = ledger.locationsOf(sku);
    const onHand = ledger.onHand(sku);
    if (onHand === 0 && ledger.movementsOf(sku).length === 0 && !options.includeEmpty) {
      continue;
    }
    const row = {
      sku,
      name: item.name,
      tags: item.tags,
      onHand,
      reserved: ledger.reserved(sku),
      available: ledger.available(sku),
      unit: item.baseUnit,
      locations: [...places].map(([code, qty]) => `${code}:${qty}`).join(" "),
      location: places.size > 0 ? [...places.keys()][0] : undefined,
    };
    if (predicate(row)) {
      rows.push(row);
    }
  }
  return rows;
}

export const MOVEMENT_COLUMNS = [
  { key: "seq", title: "#", align: "right" },
  { key: "date", title: "Date" },
  { key: "type", title: "Type" },
  { key: "sku", title: "SKU" },
  { key: "qty", title: "Qty", align: "right" },
  { key: "location", title: "Location" },
  { key: "to", title: "To" },
  { key: "ref", title: "Ref" },
];

/** Movements matching `where`, in recorded order. */
export function movementRows(ledger, options = {}) {
  const predicate = compileQuery(options.where ?? "");
  return ledger.movements(predicate).map((m) => ({ ...m }));
}

export const VALUE_COLUMNS = [
  { key: "sku", title: "SKU" },
  { key: "qty", title: "Qty", align: "right" },
  { key: "value", title: "Value", align: "right" },
  { key: "cogs", title: "COGS", align: "right" },
];

/** Valuation rows (money formatted as decimals) plus a TOTAL row. */
export function valueRows(ledger, options = {}) {
  const valuation = valuate(ledger, options);
  const rows = [];
  let value = 0;
  let cogs = 0;
  for (const row of valuation.values()) {
    rows.push({ sku: row.sku, qty: row.qty, value: formatCents(row.value), cogs: formatCents(row.cogs) });
    value += row.value;
    cogs += row.cogs;
  }
  rows.push({ sku: "TOTAL", qty: "", value: formatCents(value), cogs: formatCents(cogs) });
  return rows;
}
