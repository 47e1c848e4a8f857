import assert from "node:assert/strict";
import { test } from "node:test";

import { BerthRegistry, BookingLedger, Fleet, describeEvent, invoiceTotals, renderInvoice } from "/repo/src/index.ts";
import type { Berth, Invoice, Vessel } from "/repo/src/index.ts";

const BERTHS: Berth[] = [{ id: "H4", pontoon: "H", kind: "finger", maxLengthM: 11, maxBeamM: 4, depthM: 3, shorePower: true }];
const TERN: Vessel = { id: "V-T", name: "Tern", kind: "sail", lengthM: 10.3, beamM: 3.4, draftM: 1.5, owners: ["M2001"] };

test("bookings: booking, moving and the log work as before", () => {
  const ledger = new BookingLedger(new BerthRegistry(BERTHS), new Fleet([TERN]));
  const b = ledger.book({ vesselId: "V-T", berthId: "H4", arrival: "2027-05-10", departure: "2027-05-14" });
  assert.equal(ledger.isFree("H4", { arrival: "2027-05-13", departure: "2027-05-15" }), false);
  assert.deepEqual(ledger.log.all().map((e) => describeEvent(e.event)), [`booking ${b.id} on H4`]);
});

test("invoice: totals and rendering work as before", () => {
  const inv: Invoice = {
    id: "INV-00003", bookingId: "BK-0001", memberId: "M2001", issued: "2027-05-01", currency: "EUR",
    lines: [{ description: "Summer: 2 nights x 10.5 m", net: { minor: 8820, currency: "EUR" }, taxBp: 1900 }],
  };
  assert.equal(invoiceTotals(inv).gross.minor, 8820 + 1676);
  assert.match(renderInvoice(inv), /Tax 19% on EUR 88\.20\s+EUR 16\.76/);
});
