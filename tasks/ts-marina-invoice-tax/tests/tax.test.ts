import assert from "node:assert/strict";
import { test } from "node:test";

import { invoiceTotals, money, renderInvoice, splitGross } from "/repo/src/index.ts";
import type { Invoice, InvoiceLine } from "/repo/src/index.ts";

function invoice(lines: Array<[number, number]>, currency = "NOK"): Invoice {
  return {
    id: "INV-00042",
    bookingId: "BK-0042",
    memberId: "M4001",
    issued: "2027-10-01",
    currency,
    lines: lines.map(([minor, taxBp], i): InvoiceLine => ({ description: `line ${i + 1}`, net: money(minor, currency), taxBp })),
  };
}

test("tax: the tax of one rate is rounded once on the sum of its lines", () => {
  const t = invoiceTotals(invoice([[333, 2000], [333, 2000], [334, 2000]]));
  assert.equal(t.net.minor, 1000);
  assert.deepEqual(t.taxes.map((g) => [g.taxBp, g.net.minor, g.tax.minor]), [[2000, 1000, 200]]);
  assert.equal(t.tax.minor, 200);
  assert.equal(t.gross.minor, 1200);
});

test("tax: a long invoice of small lines does not drift", () => {
  const t = invoiceTotals(invoice(Array.from({ length: 50 }, () => [125, 700] as [number, number])));
  // 62.50 x 7% = 4.375 -> 4.38; rounding each line (0.0875 -> 0.09) would give 4.50
  assert.equal(t.tax.minor, 438);
  assert.equal(t.gross.minor, 6250 + 438);
});

test("tax: each rate is rounded on its own", () => {
  const t = invoiceTotals(invoice([[1998, 2500], [1998, 2500], [4141, 1200], [4141, 1200], [999, 0]]));
  assert.deepEqual(
    t.taxes.map((g) => [g.taxBp, g.net.minor, g.tax.minor]),
    [[0, 999, 0], [1200, 8282, 994], [2500, 3996, 999]],
  );
  assert.equal(t.tax.minor, 1993);
  assert.equal(t.gross.minor, 999 + 8282 + 3996 + 1993);
});

test("tax: the rendered invoice shows the tax of each rate", () => {
  const text = renderInvoice(invoice([[333, 2000], [333, 2000], [334, 2000]], "EUR"));
  assert.match(text, /Tax 20% on EUR 10\.00\s+EUR 2\.00\n/);
  assert.match(text, /Total\s+EUR 12\.00$/);
});

test("tax: co-owners' shares add up to the corrected gross", () => {
  const parts = splitGross(invoice([[333, 2000], [333, 2000], [334, 2000]]), [1, 1, 1]);
  assert.deepEqual(parts.map((p) => p.minor), [400, 400, 400]);
});

test("tax: a single line is taxed as before", () => {
  const t = invoiceTotals(invoice([[12345, 2100]]));
  assert.equal(t.tax.minor, 2592);
});

test("tax: a half cent on a rate's sum rounds to even", () => {
  // 24.05 x 10% = 2.405 -> 2.40 (half to even), not 2.41
  const t = invoiceTotals(invoice([[1205, 1000], [1200, 1000]]));
  assert.equal(t.tax.minor, 240);
  const credit = invoiceTotals(invoice([[-1255, 1000]]));
  assert.equal(credit.tax.minor, -126);
});
