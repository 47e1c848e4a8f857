/**
 * CSV as RFC 4180 writes it: fields separated by commas, records by CRLF (LF accepted when
 * reading), a field with a comma, a quote or a line break in double quotes, a quote inside
 * doubled. Used to exchange bookings with the harbour office's spreadsheet.
 */

import { ValidationError } from "./errors.ts";
import type { Booking } from "./bookings.ts";
import { dayParts } from "./days.ts";

export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i += 1;
        continue;
      }
      field += c;
      i += 1;
      continue;
    }
    if (c === '"' && field === "") {
      quoted = true;
    } else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      if (c === "\r" && text[i + 1] === "\n") {
        i += 1;
      }
    } else {
      field += c;
    }
    i += 1;
  }
  if (quoted) {
    throw new ValidationError("csv", "a quoted field is not closed");
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

function quoteField(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}

export function stringifyCsv(rows: readonly (readonly string[])[]): string {
  return rows.map((r) => r.map(quoteField).join(",") + "\r\n").join("");
}

export const BOOKING_COLUMNS = ["id", "vessel", "berth", "arrival", "departure"] as const;

export function bookingsToCsv(bookings: readonly Booking[]): string {
  return stringifyCsv([
    [...BOOKING_COLUMNS],
    ...bookings.map((b) => [b.id, b.vesselId, b.berthId, b.arrival, b.departure]),
  ]);
}

/** Rows of a bookings CSV (header required, columns in any order), validated. */
export function bookingsFromCsv(text: string): Booking[] {
  const [header, ...rows] = parseCsv(text);
  if (header === undefined) {
    throw new ValidationError("csv", "no header row");
  }
  const index = new Map(header.map((h, i) => [h.trim().toLowerCase(), i]));
  for (const col of BOOKING_COLUMNS) {
    if (!index.has(col)) {
      throw new ValidationError("csv", `missing column ${col}`);
    }
  }
  const get = (row: string[], col: string, line: number): string => {
    const v = row[index.get(col)!];
    if (v === undefined || v.trim() === "") {
      throw new ValidationError(col, `line ${line}: ${col} is empty`);
    }
    return v.trim();
  };
  return rows
    .filter((r) => !(r.length === 1 && r[0] === ""))
    .map((row, n) => {
      const line = n + 2;
      const booking = {
        id: get(row, "id", line),
        vesselId: get(row, "vessel", line),
        berthId: get(row, "berth", line),
        arrival: get(row, "arrival", line),
        departure: get(row, "departure", line),
      };
      dayParts(booking.arrival);
      dayParts(booking.departure);
      return booking;
    });
}
