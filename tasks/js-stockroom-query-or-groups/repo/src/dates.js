/**
 * Calendar dates as plain `YYYY-MM-DD` strings. The ledger never needs times of day, so dates are
 * kept as strings (which sort correctly) and converted to day numbers only for arithmetic.
 */
import { ParseError } from "./errors.js";

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86400000;

/**
 * Checks and normalises a date string.
 * @param {string} text a date in `YYYY-MM-DD` form
 * @returns {string} the same date, validated
 * @throws {ParseError} when the text is not a real calendar date
 */
export function parseDate(text) {
  const match = ISO_DATE.exec(String(text).trim());
  if (!match) {
    throw new ParseError(`invalid date "${text}" (expected YYYY-MM-DD)`);
  }
  const [year, month, day] = match.slice(1).map(Number);
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) {
    throw new ParseError(`invalid date "${text}" (no such day)`);
  }
  return `${match[1]}-${match[2]}-${match[3]}`;
}

/** Day number (days since 1970-01-01) of a `YYYY-MM-DD` date. */
export function toDayNumber(date) {
  const [year, month, day] = parseDate(date).split("-").map(Number);
  return Math.round(Date.UTC(year, month - 1, day) / MS_PER_DAY);
}

/** The `YYYY-MM-DD` date of a day number. */
export function fromDayNumber(dayNumber) {
  return new Date(dayNumber * MS_PER_DAY).toISOString().slice(0, 10);
}

/** `date` moved by `days` (negative moves back). */
export function addDays(date, days) {
  return fromDayNumber(toDayNumber(date) + days);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from, to) {
  return toDayNumber(to) - toDayNumber(from);
}

/** Every date from `from` to `to`, both included, in order. */
export function dateRange(from, to) {
  const out = [];
  for (let day = toDayNumber(from); day <= toDayNumber(to); day += 1) {
    out.push(fromDayNumber(day));
  }
  return out;
}

/**
 * ISO week key of a date, e.g. `2024-W09`. Weeks start on Monday; week 1 is the week with the
 * year's first Thursday, so early January can belong to the previous year's last week.
 */
export function isoWeek(date) {
  const dayNumber = toDayNumber(date);
  const weekday = (new Date(dayNumber * MS_PER_DAY).getUTCDay() + 6) % 7; // Monday = 0
  const thursday = dayNumber - weekday + 3;
  const year = new Date(thursday * MS_PER_DAY).getUTCFullYear();
  const firstThursday = toDayNumber(`${year}-01-04`);
  const firstWeekday = (new Date(firstThursday * MS_PER_DAY).getUTCDay() + 6) % 7;
  const week = 1 + Math.round((thursday - (firstThursday - firstWeekday + 3)) / 7);
  return `${year}-W${String(week).padStart(2, "0")}`;
}

/** The earlier of two dates. */
export function minDate(a, b) {
  return a <= b ? a : b;
}

/** The later of two dates. */
export function maxDate(a, b) {
  return a >= b ? a : b;
}
