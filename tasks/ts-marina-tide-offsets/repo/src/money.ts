/**
 * Money as an integer number of minor units (cents) and an ISO 4217 currency code. Amounts are
 * never floats: a rate of 3.85 per metre is 385 minor units, and every multiplication by a
 * fractional quantity rounds once, half to even ("banker's rounding"), as the harbour office's
 * accounting package does.
 */

import { CurrencyMismatchError, ValidationError } from "./errors.ts";

export interface Money {
  readonly minor: number;
  readonly currency: string;
}

const CURRENCY = /^[A-Z]{3}$/;
const AMOUNT = /^(-)?(\d+)(?:\.(\d{1,2}))?$/;

export function money(minor: number, currency: string): Money {
  if (!Number.isSafeInteger(minor)) {
    throw new ValidationError("minor", `an amount is a whole number of minor units: ${minor}`);
  }
  if (!CURRENCY.test(currency)) {
    throw new ValidationError("currency", `not a currency code: ${JSON.stringify(currency)}`);
  }
  return { minor, currency };
}

export function zero(currency: string): Money {
  return money(0, currency);
}

/** "12.30" or "-0.05" in `currency`; at most two decimals. */
export function parseMoney(text: string, currency: string): Money {
  const m = AMOUNT.exec(text.trim());
  if (m === null) {
    throw new ValidationError("amount", `not an amount: ${JSON.stringify(text)}`);
  }
  const whole = Number(m[2]);
  const cents = Number((m[3] ?? "").padEnd(2, "0"));
  const minor = whole * 100 + cents;
  return money(m[1] ? -minor : minor, currency);
}

function sameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) {
    throw new CurrencyMismatchError(a.currency, b.currency);
  }
}

export function add(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return money(a.minor + b.minor, a.currency);
}

export function subtract(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return money(a.minor - b.minor, a.currency);
}

export function negate(a: Money): Money {
  return money(-a.minor, a.currency);
}

/** The sum of `items`; zero in `currency` for none. Every item must be in `currency`. */
export function sum(items: readonly Money[], currency: string): Money {
  let total = zero(currency);
  for (const item of items) {
    total = add(total, item);
  }
  return total;
}

/** Round a real number of minor units half to even. */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  // Products such as 0.125 * 100 are not exact in binary: treat what is within a
  // billionth of a half as a half.
  const EPS = 1e-9;
  if (diff > 0.5 + EPS) {
    return floor + 1;
  }
  if (diff < 0.5 - EPS) {
    return floor;
  }
  return floor % 2 === 0 ? floor : floor + 1;
}

/** `a` times a real factor (a quantity, a percentage as 0.2), rounded once. */
export function multiply(a: Money, factor: number): Money {
  if (!Number.isFinite(factor)) {
    throw new ValidationError("factor", `not a finite factor: ${factor}`);
  }
  return money(roundHalfEven(a.minor * factor), a.currency);
}

/** `a` times a percentage given in basis points (2000 = 20%), rounded once. */
export function percent(a: Money, basisPoints: number): Money {
  return multiply(a, basisPoints / 10_000);
}

/**
 * Split `a` by `ratios` so that the parts add up to `a` exactly: each part is rounded down and
 * the leftover minor units go one each to the parts with the largest remainders (ties: the
 * earlier part). Used when co-owners share a berth invoice.
 */
export function allocate(a: Money, ratios: readonly number[]): Money[] {
  if (ratios.length === 0 || ratios.some((r) => !(r >= 0)) || ratios.every((r) => r === 0)) {
    throw new ValidationError("ratios", "ratios must be non-negative with at least one above 0");
  }
  const total = ratios.reduce((s, r) => s + r, 0);
  const sign = a.minor < 0 ? -1 : 1;
  const amount = Math.abs(a.minor);
  const exact = ratios.map((r) => (amount * r) / total);
  const parts = exact.map((x) => Math.floor(x));
  let left = amount - parts.reduce((s, p) => s + p, 0);
  const order = exact
    .map((x, i) => ({ i, rest: x - Math.floor(x) }))
    .sort((p, q) => q.rest - p.rest || p.i - q.i);
  for (const { i } of order) {
    if (left === 0) {
      break;
    }
    parts[i] = parts[i]! + 1;
    left -= 1;
  }
  return parts.map((p) => money(sign * p, a.currency));
}

export function compare(a: Money, b: Money): number {
  sameCurrency(a, b);
  return a.minor - b.minor;
}

export function isZero(a: Money): boolean {
  return a.minor === 0;
}

/** "EUR 1,234.50", "EUR -0.05": thousands separated, always two decimals. */
export function formatMoney(a: Money): string {
  const sign = a.minor < 0 ? "-" : "";
  const abs = Math.abs(a.minor);
  const whole = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const cents = String(abs % 100).padStart(2, "0");
  return `${a.currency} ${sign}${whole}.${cents}`;
}

/** "1234.50": the plain decimal form used in CSV exports. */
export function toDecimal(a: Money): string {
  const sign = a.minor < 0 ? "-" : "";
  const abs = Math.abs(a.minor);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}
