import assert from "node:assert/strict";
import { test } from "node:test";

import { bookingsFromCsv, bookingsToCsv, parseCsv } from "../src/csv.ts";

test("csv: quoted fields keep commas, quotes and line breaks", () => {
  assert.deepEqual(parseCsv('a,"b,c","d ""e""",\r\n"x\ny",z\r\n'), [
    ["a", "b,c", 'd "e"', ""],
    ["x\ny", "z"],
  ]);
});

test("csv: bookings round-trip", () => {
  const rows = [{ id: "BK-0001", vesselId: "V-ALBA", berthId: "A1", arrival: "2026-06-01", departure: "2026-06-04" }];
  assert.deepEqual(bookingsFromCsv(bookingsToCsv(rows)), rows);
});
