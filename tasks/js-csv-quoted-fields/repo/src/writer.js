/**
 * CSV writing: rows in, text out.
 */
import { resolveDialect } from "./dialect.js";

/**
 * Quote a single field if it needs it: it contains the delimiter, the quote character, a line
 * break, or leading/trailing spaces. Quotes inside are doubled.
 * @param {unknown} value
 * @param {{delimiter: string, quote: string}} dialect
 * @returns {string}
 */
export function quoteField(value, { delimiter, quote }) {
  const text = value === null || value === undefined ? "" : String(value);
  const needsQuotes =
    text.includes(delimiter) ||
    text.includes(quote) ||
    text.includes("\n") ||
    text.includes("\r") ||
    text !== text.trim();
  if (!needsQuotes) {
    return text;
  }
  return quote + text.split(quote).join(quote + quote) + quote;
}

/**
 * Serialize rows to CSV text. Every row ends with the dialect's line terminator.
 * @param {unknown[][]} rows
 * @param {{dialect?: string, delimiter?: string, quote?: string, lineTerminator?: string}} [options]
 * @returns {string}
 */
export function stringify(rows, options = {}) {
  if (!Array.isArray(rows)) {
    throw new TypeError("stringify() expects an array of rows");
  }
  const dialect = resolveDialect(options);
  return rows
    .map((row) => row.map((value) => quoteField(value, dialect)).join(dialect.delimiter) + dialect.lineTerminator)
    .join("");
}
