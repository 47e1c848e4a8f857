/**
 * Reports: stock on hand, movements and valuation as rows, and renderers that turn rows into
 * text. Renderers live in a registry so that applications can add their own output formats;
 * `text`, `markdown`, `json` and `csv` are built in.
 */
import { ValidationError } from "./errors.js";
import { formatCents } from "./money.js";
import { compileQuery } from "./query.js";
import { stringifyCsv } from "./csv.js";
import { valuate } from "./valuation.js";

/** @type {Map<string, {render: Function, description: string}>} */
const FORMATS = new Map();

/**
 * Registers an output format.
 * @param {string} name lower-case name used with `--format`
 * @param {(rows: object[], columns: Array<{key: string, title: string, align?: string}>) => string} render
 * @param {string} [description] one line for `stockroom formats`
 */
export function registerFormat(name, render, description = "") {
  if (!/^[a-z][a-z0-9-]*$/.test(name)) {
    throw new ValidationError(`invalid format name "${name}"`);
  }
  if (typeof render !== "function") {
    throw new ValidationError(`format "${name}" needs a render function`);
  }
  FORMATS.set(name, { render, description });
}

/** Names of every registered format, sorted. */
export function listFormats() {
  return [...FORMATS.keys()].sort();
}

/** The renderer registered as `name`, or a ValidationError naming the known formats. */
export function getFormat(name) {
  const format = FORMATS.get(name);
  if (!format) {
    throw new ValidationError(`unknown format "${name}" (known: ${listFormats().join(", ")})`);
  }
  return format;
}

/** Renders `rows` with `columns` in the format `name`. */
export function render(rows, columns, name = "text") {
  return getFormat(name).render(rows, columns);
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

registerFormat("text", renderText, "aligned plain-text table");
registerFormat("markdown", renderMarkdown, "GitHub-flavoured Markdown table");
registerFormat("json", renderJson, "JSON array of objects");
registerFormat("csv", renderCsv, "CSV with a header row");

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
