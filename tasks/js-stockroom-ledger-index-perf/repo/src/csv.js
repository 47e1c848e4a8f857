/**
 * CSV reading and writing (RFC 4180: quoted fields may hold the delimiter, line breaks and doubled
 * quotes). Rows carry the line they start on so that importers can point at the right line.
 */
import { ParseError } from "./errors.js";

/**
 * Parses CSV text.
 * @param {string} text
 * @param {{delimiter?: string}} [options]
 * @returns {Array<{fields: string[], line: number}>} rows with their 1-based starting line;
 *   blank lines are skipped
 */
export function parseCsv(text, options = {}) {
  const delimiter = options.delimiter ?? ",";
  const input = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const rows = [];
  let fields = [];
  let field = "";
  let quoted = false;
  let inQuotes = false;
  let line = 1;
  let rowLine = 1;
  let i = 0;
  const endField = () => {
    fields.push(field);
    field = "";
    quoted = false;
  };
  const endRow = () => {
    endField();
    if (!(fields.length === 1 && fields[0] === "" && !quoted)) {
      rows.push({ fields, line: rowLine });
    }
    fields = [];
  };
  while (i < input.length) {
    const ch = input[i];
    if (inQuotes) {
      if (ch === '"' && input[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (ch === '"') {
        inQuotes = false;
        i += 1;
        continue;
      }
      if (ch === "\n") {
        line += 1;
      }
      field += ch;
      i += 1;
      continue;
    }
    if (ch === '"') {
      if (field !== "") {
        throw new ParseError("quote inside an unquoted field", { line });
      }
      inQuotes = true;
      quoted = true;
      i += 1;
    } else if (ch === delimiter) {
      endField();
      i += 1;
    } else if (ch === "\r" && input[i + 1] === "\n") {
      endRow();
      line += 1;
      rowLine = line;
      i += 2;
    } else if (ch === "\n") {
      endRow();
      line += 1;
      rowLine = line;
      i += 1;
    } else {
      field += ch;
      i += 1;
    }
  }
  if (inQuotes) {
    throw new ParseError("unterminated quoted field", { line: rowLine });
  }
  if (field !== "" || fields.length > 0 || quoted) {
    endRow();
  }
  return rows;
}

/** Quotes one field when it needs it. */
export function quoteField(value, delimiter = ",") {
  const text = value === undefined || value === null ? "" : String(value);
  if (text.includes(delimiter) || text.includes('"') || text.includes("\n") || text.includes("\r")) {
    return `"${text.replace(/"/g, '""')}"`;
  }
  return text;
}

/** Writes rows (arrays of values) as CSV with LF line endings and a final line break. */
export function stringifyCsv(rows, options = {}) {
  const delimiter = options.delimiter ?? ",";
  return rows.map((row) => row.map((v) => quoteField(v, delimiter)).join(delimiter)).join("\n") + (rows.length ? "\n" : "");
}
