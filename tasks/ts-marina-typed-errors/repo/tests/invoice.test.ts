import assert from "node:assert/strict";
import { test } from "node:test";

import { invoiceTotals, renderInvoice, splitGross } from "../src/invoice.ts";
import type { Invoice } from "../src/invoice.ts";
import { money } from "../src/money.ts";

const INVOICE: Invoice = {
  id: "INV-00001",
  bookingId: "BK-0001",
  memberId: "M1001",
  issued: "2026-06-01",
  currency: "EUR",
  lines: [
    { description: "Summer: 3 nights x 9.5 m", net: money(11970, "EUR"), taxBp: 2100 },
    { description: "Shore power: 3 nights", net: money(1350, "EUR"), taxBp: 2100 },
  ],
};

test("invoice: totals per tax rate", () => {
  const t = invoiceTotals(INVOICE);
  assert.equal(t.net.minor, 13320);
  assert.equal(t.tax.minor, 2797);
  assert.equal(t.gross.minor, 16117);
});

test("invoice: rendering lines up the amounts", () => {
  const text = renderInvoice(INVOICE);
  assert.match(text, /^Invoice INV-00001 \(booking BK-0001\), 2026-06-01\n/);
  assert.match(text, /Total\s+EUR 161\.17$/);
});

test("invoice: co-owners' shares add up to the gross", () => {
  const parts = splitGross(INVOICE, [2, 1]);
  assert.equal(parts[0]!.minor + parts[1]!.minor, 16117);
});
