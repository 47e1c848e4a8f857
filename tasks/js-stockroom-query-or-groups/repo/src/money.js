/**
 * Money as integer cents. Costs enter as decimal strings or numbers ("2.50", 2.5) and are kept in
 * cents so that sums never drift; division rounds half to even ("banker's rounding").
 */
import { ValidationError } from "./errors.js";

const DECIMAL = /^(-)?(\d+)(?:\.(\d{1,2}))?$/;

/**
 * Parses an amount into cents.
 * @param {string|number} value "12", "12.5", "12.50", or a number with at most two decimals
 * @returns {number} integer cents
 */
export function toCents(value) {
  const text = typeof value === "number" ? value.toFixed(2) : String(value).trim();
  const match = DECIMAL.exec(text);
  if (!match) {
    throw new ValidationError(`invalid amount "${value}"`);
  }
  const [, minus, whole, frac = ""] = match;
  const cents = Number(whole) * 100 + Number(frac.padEnd(2, "0"));
  return minus ? -cents : cents;
}

/** Formats cents as a decimal string with two places, e.g. 1250 -> "12.50". */
export function formatCents(cents) {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

/** Rounds a (possibly fractional) number of cents half to even. */
export function roundHalfEven(value) {
  const floor = Math.floor(value);
  const diff = value - floor;
  if (Math.abs(diff - 0.5) < 1e-9) {
    return floor % 2 === 0 ? floor : floor + 1;
  }
  return Math.round(value);
}

/** `cents * quantity`, exact for integer inputs. */
export function multiply(cents, quantity) {
  return roundHalfEven(cents * quantity);
}

/**
 * Splits `cents` into parts proportional to `weights`; the parts always sum to `cents`. Leftover
 * cents go to the parts with the largest remainders (earlier parts win ties).
 */
export function allocate(cents, weights) {
  const total = weights.reduce((sum, w) => sum + w, 0);
  if (total <= 0) {
    throw new ValidationError("allocate needs at least one positive weight");
  }
  const raw = weights.map((w) => (cents * w) / total);
  const parts = raw.map((r) => Math.floor(r));
  let left = cents - parts.reduce((sum, p) => sum + p, 0);
  const order = raw.map((r, i) => [r - Math.floor(r), i]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, index] of order) {
    if (left <= 0) {
      break;
    }
    parts[index] += 1;
    left -= 1;
  }
  return parts;
}
