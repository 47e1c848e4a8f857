/**
 * Error types raised by stockroom. Every error carries a stable `code` so that callers (and the
 * CLI) can tell them apart without matching on message text.
 */

/** Base class of every stockroom error. */
export class StockroomError extends Error {
  /**
   * @param {string} message human-readable description
   * @param {string} code stable machine-readable code
   */
  constructor(message, code = "E_STOCKROOM") {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Input that does not follow a documented format (dates, SKUs, locations, CSV, queries). */
export class ParseError extends StockroomError {
  /**
   * @param {string} message what is wrong
   * @param {{line?: number, column?: number}} [where] position in the input, 1-based
   */
  constructor(message, where = {}) {
    const suffix = where.line !== undefined ? ` (line ${where.line})` : "";
    super(`${message}${suffix}`, "E_PARSE");
    this.line = where.line;
    this.column = where.column;
  }
}

/** A movement or request that would break a ledger rule (negative stock, unknown SKU, ...). */
export class StockError extends StockroomError {
  constructor(message) {
    super(message, "E_STOCK");
  }
}

/** A value that is well-formed but not acceptable (negative quantity, unknown unit, ...). */
export class ValidationError extends StockroomError {
  constructor(message) {
    super(message, "E_VALIDATION");
  }
}
