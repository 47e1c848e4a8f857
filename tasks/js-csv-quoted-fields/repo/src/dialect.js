/**
 * Dialects describe how a CSV file is laid out: field delimiter, quote character and line ending.
 */

export const DIALECTS = Object.freeze({
  excel: Object.freeze({ delimiter: ",", quote: '"', lineTerminator: "\r\n" }),
  unix: Object.freeze({ delimiter: ",", quote: '"', lineTerminator: "\n" }),
  tsv: Object.freeze({ delimiter: "\t", quote: '"', lineTerminator: "\n" }),
});

export class DialectError extends Error {
  constructor(message) {
    super(message);
    this.name = "DialectError";
  }
}

/**
 * Build the effective dialect from user options.
 * @param {{dialect?: string, delimiter?: string, quote?: string, lineTerminator?: string}} [options]
 * @returns {{delimiter: string, quote: string, lineTerminator: string}}
 */
export function resolveDialect(options = {}) {
  const name = options.dialect ?? "unix";
  const base = DIALECTS[name];
  if (!base) {
    throw new DialectError(`unknown dialect ${JSON.stringify(name)}; known: ${Object.keys(DIALECTS).join(", ")}`);
  }
  const dialect = {
    delimiter: options.delimiter ?? base.delimiter,
    quote: options.quote ?? base.quote,
    lineTerminator: options.lineTerminator ?? base.lineTerminator,
  };
  validateDialect(dialect);
  return dialect;
}

function validateDialect({ delimiter, quote, lineTerminator }) {
  if (typeof delimiter !== "string" || delimiter.length !== 1) {
    throw new DialectError("delimiter must be a single character");
  }
  if (typeof quote !== "string" || quote.length !== 1) {
    throw new DialectError("quote must be a single character");
  }
  if (delimiter === quote) {
    throw new DialectError("delimiter and quote must differ");
  }
  if (lineTerminator !== "\n" && lineTerminator !== "\r\n") {
    throw new DialectError("lineTerminator must be \\n or \\r\\n");
  }
}
