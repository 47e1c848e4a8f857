/**
 * CSV parsing: text in, rows (arrays of strings) out.
 */
import { resolveDialect } from "./dialect.js";

export class ParseError extends Error {
  /**
   * @param {string} message
   * @param {number} line 1-based line where the problem was found
   */
  constructor(message, line) {
    super(`${message} (line ${line})`);
    this.name = "ParseError";
    this.line = line;
  }
}

/**
 * Parse CSV text into rows.
 *
 * Accepts LF and CRLF line endings in the input whatever the dialect's lineTerminator is.
 * A trailing line break does not produce an empty final row. Empty lines produce `[""]`
 * unless `skipEmptyLines` is set.
 *
 * @param {string} text
 * @param {{dialect?: string, delimiter?: string, quote?: string, skipEmptyLines?: boolean}} [options]
 * @returns {string[][]}
 */
export function parse(text, options = {}) {
  if (typeof text !== "string") {
    throw new TypeError("parse() expects a string");
  }
  const { delimiter, quote } = resolveDialect(options);
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === "") {
    lines.pop();
  }
  const rows = [];
  lines.forEach((line, index) => {
    if (line === "" && options.skipEmptyLines) {
      return;
    }
    rows.push(parseLine(line, delimiter, quote, index + 1));
  });
  return rows;
}

function parseLine(line, delimiter, quote, lineNumber) {
  const fields = [];
  let field = "";
  let quoted = false;
  let wasQuoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const ch = line[i];
    if (quoted) {
      if (ch === quote) {
        quoted = false;
      } else {
        field += ch;
      }
    } else if (ch === quote) {
      if (field !== "" || wasQuoted) {
        throw new ParseError("quote inside an unquoted field", lineNumber);
      }
      quoted = true;
      wasQuoted = true;
    } else if (ch === delimiter) {
      fields.push(field);
      field = "";
      wasQuoted = false;
    } else {
      field += ch;
    }
  }
  if (quoted) {
    throw new ParseError("unterminated quoted field", lineNumber);
  }
  fields.push(field);
  return fields;
}
