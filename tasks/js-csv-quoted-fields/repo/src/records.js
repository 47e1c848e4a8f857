/**
 * Records: rows keyed by a header line.
 */
import { parse } from "./parser.js";
import { stringify } from "./writer.js";

/**
 * Turn rows into objects using the first row as header.
 * Short rows get "" for missing columns; extra cells are an error.
 * @param {string[][]} rows
 * @returns {Record<string, string>[]}
 */
export function toRecords(rows) {
  if (rows.length === 0) {
    return [];
  }
  const [header, ...body] = rows;
  const seen = new Set();
  for (const name of header) {
    if (seen.has(name)) {
      throw new Error(`duplicate column ${JSON.stringify(name)}`);
    }
    seen.add(name);
  }
  return body.map((row, index) => {
    if (row.length > header.length) {
      throw new Error(`row ${index + 2} has ${row.length} cells, header has ${header.length}`);
    }
    const record = {};
    header.forEach((name, column) => {
      record[name] = row[column] ?? "";
    });
    return record;
  });
}

/**
 * Turn objects into rows; the header is `columns` or the keys of the first record.
 * @param {Record<string, unknown>[]} records
 * @param {string[]} [columns]
 * @returns {unknown[][]}
 */
export function fromRecords(records, columns) {
  const header = columns ?? (records.length > 0 ? Object.keys(records[0]) : []);
  return [header, ...records.map((record) => header.map((name) => record[name] ?? ""))];
}

/** parse() + toRecords(). */
export function parseRecords(text, options = {}) {
  return toRecords(parse(text, options));
}

/** fromRecords() + stringify(). */
export function stringifyRecords(records, options = {}) {
  return stringify(fromRecords(records, options.columns), options);
}
