/**
 * Calendar days without a time of day. A stay is booked by nights: a vessel arriving on
 * 2026-06-01 and departing on 2026-06-04 stays the nights of the 1st, 2nd and 3rd.
 *
 * Days are ISO strings (`YYYY-MM-DD`) at the edges of the library and day numbers (days since
 * 1970-01-01) inside it. The conversion never goes through the local time zone: a marina's
 * calendar is the same wherever the server runs.
 */

import { ValidationError } from "./errors.ts";

export type Day = string;

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;
export const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    return isLeapYear(year) ? 29 : 28;
  }
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** The parts of a day string, validated (month 1-12, day within the month). */
export function dayParts(day: Day): { year: number; month: number; date: number } {
  const m = DAY_PATTERN.exec(day);
  if (m === null) {
    throw new ValidationError("day", `not a day (YYYY-MM-DD): ${JSON.stringify(day)}`);
  }
  const year = Number(m[1]);
  const month = Number(m[2]);
  const date = Number(m[3]);
  if (month < 1 || month > 12 || date < 1 || date > daysInMonth(year, month)) {
    throw new ValidationError("day", `no such day: ${day}`);
  }
  return { year, month, date };
}

/** Days since 1970-01-01 (negative before it). */
export function toDayNumber(day: Day): number {
  const { year, month, date } = dayParts(day);
  return Math.floor(new Date(year, month - 1, date).getTime() / MS_PER_DAY);
}

export function fromDayNumber(n: number): Day {
  const d = new Date(n * MS_PER_DAY);
  const y = String(d.getUTCFullYear()).padStart(4, "0");
  const m = String(d.getUTCMonth() + 1).padStart(2, "0");
  const dd = String(d.getUTCDate()).padStart(2, "0");
  return `${y}-${m}-${dd}`;
}

export function addDays(day: Day, n: number): Day {
  return fromDayNumber(toDayNumber(day) + n);
}

/** Nights from `from` to `to`: 0 for the same day, negative when `to` is earlier. */
export function daysBetween(from: Day, to: Day): number {
  return toDayNumber(to) - toDayNumber(from);
}

export function compareDays(a: Day, b: Day): number {
  return toDayNumber(a) - toDayNumber(b);
}

export function weekday(day: Day): Weekday {
  dayParts(day);
  return WEEKDAYS[new Date(day).getDay()]!;
}

/** The nights of a stay, arrival included, departure excluded. */
export function eachNight(arrival: Day, departure: Day): Day[] {
  const start = toDayNumber(arrival);
  const end = toDayNumber(departure);
  const nights: Day[] = [];
  for (let n = start; n < end; n++) {
    nights.push(fromDayNumber(n));
  }
  return nights;
}

/** `MM-DD` of a day, the key seasons are written in. */
export function monthDay(day: Day): string {
  return day.slice(5);
}

/** A day from a JavaScript Date, read in UTC (the date part of its ISO form). */
export function dayOfDate(d: Date): Day {
  return fromDayNumber(Math.floor(d.getTime() / MS_PER_DAY));
}

/** Today in UTC; `now` is injectable for tests. */
export function today(now: () => Date = () => new Date()): Day {
  return dayOfDate(now());
}

/** A stay's arrival and departure, validated: departure strictly after arrival. */
export interface Stay {
  readonly arrival: Day;
  readonly departure: Day;
}

export function checkStay(stay: Stay): number {
  const nights = daysBetween(stay.arrival, stay.departure);
  if (nights <= 0) {
    throw new ValidationError(
      "departure",
      `departure ${stay.departure} is not after arrival ${stay.arrival}`,
    );
  }
  return nights;
}

/** Whether two stays share at least one night (touching stays do not). */
export function staysOverlap(a: Stay, b: Stay): boolean {
  return compareDays(a.arrival, b.departure) < 0 && compareDays(b.arrival, a.departure) < 0;
}

/** The first day of each month a stay touches, for monthly statements. */
export function monthsOfStay(stay: Stay): string[] {
  const months: string[] = [];
  for (const night of eachNight(stay.arrival, stay.departure)) {
    const key = night.slice(0, 7);
    if (months[months.length - 1] !== key) {
      months.push(key);
    }
  }
  return months;
}
