import assert from "node:assert/strict";
import { test } from "node:test";

import { BookingConflictError, Harbour, NotFoundError, STANDARD_CARD, ValidationError, invoiceTotals, roundHalfEven } from "/repo/src/index.ts";
import type { Berth, TideEvent, Vessel } from "/repo/src/index.ts";

// New names are read from the module inside the tests: on the unchanged code they are missing.
const lib = (): Promise<Record<string, any>> => import("/repo/src/index.ts");

const BERTHS: Berth[] = [
  { id: "G1", pontoon: "G", kind: "finger", maxLengthM: 11, maxBeamM: 4, depthM: 3, shorePower: true },
  { id: "G2", pontoon: "G", kind: "alongside", maxLengthM: 18, maxBeamM: 8, depthM: 3, shorePower: true },
];
const VESSELS: Vessel[] = [
  { id: "V-T", name: "Tern", kind: "sail", lengthM: 10.3, beamM: 3.4, draftM: 1.5, owners: ["M2001"] },
  { id: "V-P", name: "Puffin", kind: "motor", lengthM: 9.1, beamM: 3.2, draftM: 1.0, owners: ["M2002", "M2003"] },
];

function tides(): TideEvent[] {
  const out: TideEvent[] = [];
  const start = Date.parse("2027-04-01T00:00Z");
  for (let i = 0; i < 1000; i++) {
    out.push({ at: new Date(start + i * 372 * 60_000).toISOString().slice(0, 16) + "Z", heightM: i % 2 ? 4 : 0.8, kind: i % 2 ? "high" : "low" });
  }
  return out;
}

function harbour(): Harbour {
  const h = new Harbour({ berths: BERTHS, tides: tides(), card: STANDARD_CARD, taxBp: 1900 });
  for (const v of VESSELS) {
    h.fleet.register(v);
  }
  return h;
}

test("cancel: the refund policy by days of notice", async () => {
  const { refundBp } = await lib();
  assert.deepEqual([40, 14, 13, 9, 3, 2, 1].map((d) => refundBp(d)), [10000, 10000, 5000, 5000, 5000, 0, 0]);
});

test("cancel: a cancelled booking frees its berth", async () => {
  const h = harbour();
  const b = h.ledger.book({ vesselId: "V-T", berthId: "G1", arrival: "2027-05-10", departure: "2027-05-14" });
  const c = h.ledger.cancel(b.id, "2027-05-01");
  assert.equal(c.booking.id, b.id);
  assert.equal(c.daysNotice, 9);
  assert.equal(h.ledger.isFree("G1", { arrival: "2027-05-11", departure: "2027-05-12" }), true);
  assert.throws(() => h.ledger.get(b.id), NotFoundError);
  assert.deepEqual(h.ledger.onNight("2027-05-11"), []);
  const again = h.ledger.book({ vesselId: "V-P", berthId: "G1", arrival: "2027-05-10", departure: "2027-05-12" });
  assert.equal(again.berthId, "G1");
});

test("cancel: the harbour log records the cancellation", async () => {
  const { describeEvent } = await lib();
  const h = harbour();
  h.ledger.book({ vesselId: "V-P", berthId: "G2", arrival: "2027-06-01", departure: "2027-06-03" });
  const b = h.ledger.book({ vesselId: "V-T", berthId: "G1", arrival: "2027-06-01", departure: "2027-06-03" });
  h.ledger.cancel(b.id, "2027-05-20");
  const last = h.log.all().at(-1)!;
  assert.deepEqual(last.event, { type: "booking.cancelled", bookingId: "BK-0002", berthId: "G1" });
  assert.equal(last.day, "2027-05-20");
  assert.equal(describeEvent(last.event), "booking BK-0002 cancelled");
  assert.deepEqual(h.log.ofType("booking.cancelled" as any).length, 1);
});

test("cancel: refused on or after the arrival day, and for unknown bookings", async () => {
  const h = harbour();
  const b = h.ledger.book({ vesselId: "V-T", berthId: "G1", arrival: "2027-05-10", departure: "2027-05-14" });
  assert.throws(() => h.ledger.cancel(b.id, "2027-05-10"), ValidationError);
  assert.throws(() => h.ledger.cancel(b.id, "2027-05-12"), ValidationError);
  assert.throws(() => h.ledger.cancel("BK-0999", "2027-05-01"), NotFoundError);
  // the refused cancellation left the booking in place
  assert.throws(
    () => h.ledger.book({ vesselId: "V-P", berthId: "G1", arrival: "2027-05-11", departure: "2027-05-12" }),
    BookingConflictError,
  );
});

test("cancel: a credit note scales and negates every line at its own tax rate", async () => {
  const { creditNote } = await lib();
  const invoice = {
    id: "INV-00007", bookingId: "BK-0003", memberId: "M2001", issued: "2027-04-02", currency: "EUR",
    lines: [
      { description: "Summer: 5 nights x 10.5 m", net: { minor: 22051, currency: "EUR" }, taxBp: 1900 },
      { description: "Shore power: 5 nights", net: { minor: 2250, currency: "EUR" }, taxBp: 700 },
    ],
  };
  const credit = creditNote(invoice, 5000, { id: "INV-00009", issued: "2027-04-20" });
  assert.equal(credit.id, "INV-00009");
  assert.equal(credit.bookingId, "BK-0003");
  assert.equal(credit.memberId, "M2001");
  assert.equal(credit.issued, "2027-04-20");
  assert.deepEqual(credit.lines.map((l: any) => [l.description, l.net.minor, l.taxBp]), [
    ["Refund 50%: Summer: 5 nights x 10.5 m", -11026, 1900],
    ["Refund 50%: Shore power: 5 nights", -1125, 700],
  ]);
  const t = invoiceTotals(credit);
  assert.equal(t.net.minor, -12151);
  assert.equal(t.gross.minor, -12151 - 2095 - 79);
  assert.throws(() => creditNote(invoice, 0, { id: "X", issued: "2027-04-20" }), ValidationError);
});

test("cancel: the harbour refunds an invoiced booking with a credit note", () => {
  const h = harbour();
  const inv = h.checkIn("V-P", { arrival: "2027-07-02", departure: "2027-07-06" }, "2027-06-01")!;
  const credit = (h as any).cancel(inv.bookingId, "2027-06-25");
  assert.equal(credit.id, "INV-00002");
  assert.equal(credit.bookingId, inv.bookingId);
  assert.equal(credit.memberId, "M2002");
  assert.deepEqual(
    credit.lines.map((l: any) => [l.description, l.net.minor]),
    inv.lines.map((l) => [`Refund 50%: ${l.description}`, -roundHalfEven(l.net.minor / 2)]),
  );
  assert.deepEqual(h.issuedInvoices().map((i) => i.id), ["INV-00001", "INV-00002"]);
  assert.match(h.digest(), /2027-06-25  booking BK-0001 cancelled\n2027-06-25  invoice INV-00002 for booking BK-0001$/);
  // full refund with two weeks' notice
  const inv2 = h.checkIn("V-T", { arrival: "2027-08-20", departure: "2027-08-22" }, "2027-06-01")!;
  const full = (h as any).cancel(inv2.bookingId, "2027-08-06");
  assert.equal(invoiceTotals(full).net.minor, -invoiceTotals(inv2).net.minor);
});

test("cancel: no credit note without an invoice or without a refund", () => {
  const h = harbour();
  const b = h.ledger.book({ vesselId: "V-T", berthId: "G1", arrival: "2027-05-10", departure: "2027-05-14" });
  assert.equal((h as any).cancel(b.id, "2027-04-01"), null);
  const inv = h.checkIn("V-T", { arrival: "2027-05-10", departure: "2027-05-12" }, "2027-05-01")!;
  assert.equal((h as any).cancel(inv.bookingId, "2027-05-08"), null);
  assert.equal(h.ledger.size, 0);
  assert.deepEqual(h.issuedInvoices().map((i) => i.id), ["INV-00001"]);
});
