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

/** A lookup by id found nothing. */
export class NotFoundError extends MarinaError {
  readonly kind: string;
  readonly id: string;

  constructor(kind: string, id: string) {
    super("not-found", `${kind} ${id} does not exist`);
    this.kind = kind;
    this.id = id;
  }
}

/** A booking would share a berth with another booking on at least one night. */
export class BookingConflictError extends MarinaError {
  readonly berthId: string;
  readonly conflictingId: string;

  constructor(berthId: string, conflictingId: string, message: string) {
    super("conflict", message);
    this.berthId = berthId;
    this.conflictingId = conflictingId;
  }
}

/** Two amounts in different currencies were combined. */
export class CurrencyMismatchError extends MarinaError {
  readonly left: string;
  readonly right: string;

  constructor(left: string, right: string) {
    super("currency-mismatch", `cannot combine ${left} with ${right}`);
    this.left = left;
    this.right = right;
  }
}
