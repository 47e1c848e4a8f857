/**
 * Imports movements from CSV. The first row is a header naming the columns (in any order):
 * `type, sku, qty, date` are required; `unit, location, to, cost, ref` are optional. Rows that
 * fail are collected with their line numbers and do not stop the import.
 */
import { parseCsv } from "./csv.js";
import { StockroomError, ValidationError } from "./errors.js";

export const REQUIRED_COLUMNS = ["type", "sku", "qty", "date"];
export const OPTIONAL_COLUMNS = ["unit", "location", "to", "cost", "ref"];

/**
 * Reads the header row into a column -> index map.
 * @throws {ValidationError} when a required column is missing or a column is unknown
 */
export function readHeader(fields) {
  const columns = new Map();
  fields.forEach((name, index) => {
    const column = name.trim().toLowerCase();
    if (!REQUIRED_COLUMNS.includes(column) && !OPTIONAL_COLUMNS.includes(column)) {
      throw new ValidationError(`unknown column "${name.trim()}"`);
    }
    if (columns.has(column)) {
      throw new ValidationError(`duplicate column "${column}"`);
    }
    columns.set(column, index);
  });
  for (const column of REQUIRED_COLUMNS) {
    if (!columns.has(column)) {
      throw new ValidationError(`missing column "${column}"`);
    }
  }
  return columns;
}

/** Turns one data row into a movement spec for Ledger.record. */
export function rowToSpec(columns, fields) {
  const spec = {};
  for (const [column, index] of columns) {
    const value = (fields[index] ?? "").trim();
    if (value !== "") {
      spec[column] = value;
    }
  }
  return spec;
}

/**
 * Imports CSV text into `ledger`.
 * @returns {{imported: number, errors: Array<{line: number, message: string}>}}
 */
export function importMovements(ledger, text, options = {}) {
  const rows = parseCsv(text, options);
  if (rows.length === 0) {
    return { imported: 0, errors: [] };
  }
  const columns = readHeader(rows[0].fields);
  const errors = [];
  let imported = 0;
  for (const row of rows.slice(1)) {
    try {
      if (row.fields.length > columns.size) {
        throw new ValidationError(`expected ${columns.size} fields, got ${row.fields.length}`);
      }
      ledger.record(rowToSpec(columns, row.fields));
      imported += 1;
    } catch (err) {
      if (!(err instanceof StockroomError)) {
        throw err;
      }
      errors.push({ line: row.line, message: err.message });
    }
  }
  return { imported, errors };
}
