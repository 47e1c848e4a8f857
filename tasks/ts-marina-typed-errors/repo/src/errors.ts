/**
 * Error classes shared by every module. Each carries a stable `code` so that callers (the
 * front desk CLI, the booking web form) can branch on the kind of failure without parsing
 * messages.
 */

export class MarinaError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Input that does not describe a valid thing: a negative length, a malformed day. */
export class ValidationError extends MarinaError {
  readonly field: string;

  constructor(field: string, message: string) {
    super("invalid", message);
    this.field = field;
  }
}
