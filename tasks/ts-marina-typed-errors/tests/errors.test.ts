import assert from "node:assert/strict";
import { test } from "node:test";

import {
  BerthRegistry,
  BookingLedger,
  Fleet,
  MarinaError,
  MemberDirectory,
  ValidationError,
  Waitlist,
  add,
  compare,
  invoiceTotals,
  money,
  subtract,
  sum,
} from "/repo/src/index.ts";
import type { Berth, Vessel } from "/repo/src/index.ts";

// The new classes are read inside the tests: on the unchanged code they do not exist yet.
const lib = (): Promise<Record<string, any>> => import("/repo/src/index.ts");

const BERTHS: Berth[] = [
  { id: "K2", pontoon: "K", kind: "finger", maxLengthM: 13, maxBeamM: 4.4, depthM: 3, shorePower: true },
  { id: "K3", pontoon: "K", kind: "finger", maxLengthM: 13, maxBeamM: 4.4, depthM: 3, shorePower: true },
];
const VESSELS: Vessel[] = [
  { id: "V-W", name: "Wren", kind: "sail", lengthM: 12.1, beamM: 3.9, draftM: 1.8, owners: ["M3001"] },
  { id: "V-G", name: "Gannet", kind: "motor", lengthM: 10.4, beamM: 3.6, draftM: 1.0, owners: ["M3002"] },
];

function caught(fn: () => unknown): any {
  try {
    fn();
  } catch (e) {
    return e;
  }
  assert.fail("no error was thrown");
}

function ledger(): BookingLedger {
  return new BookingLedger(new BerthRegistry(BERTHS), new Fleet(VESSELS));
}

test("errors: a booking clash is a BookingConflictError naming the berth and the booking", async () => {
  const { BookingConflictError } = await lib();
  const l = ledger();
  l.book({ vesselId: "V-W", berthId: "K3", arrival: "2027-09-01", departure: "2027-09-05" });
  const e = caught(() => l.book({ vesselId: "V-G", berthId: "K3", arrival: "2027-09-04", departure: "2027-09-06" }));
  assert.ok(e instanceof BookingConflictError);
  assert.ok(e instanceof MarinaError);
  assert.equal(e.name, "BookingConflictError");
  assert.deepEqual([e.code, e.berthId, e.conflictingId], ["conflict", "K3", "BK-0001"]);
  assert.equal(e.message, "berth K3 is taken by BK-0001 from 2027-09-01 to 2027-09-05");
});

test("errors: moving onto a taken berth is a BookingConflictError", async () => {
  const { BookingConflictError } = await lib();
  const l = ledger();
  l.book({ vesselId: "V-W", berthId: "K2", arrival: "2027-09-01", departure: "2027-09-05" });
  const b = l.book({ vesselId: "V-G", berthId: "K3", arrival: "2027-09-02", departure: "2027-09-03" });
  const e = caught(() => l.move(b.id, "K2"));
  assert.ok(e instanceof BookingConflictError);
  assert.deepEqual([e.berthId, e.conflictingId], ["K2", "BK-0001"]);
});

test("errors: unknown ids are NotFoundErrors with their kind and id", async () => {
  const { NotFoundError } = await lib();
  const l = ledger();
  const members = new MemberDirectory();
  const waitlist = new Waitlist(members, new Fleet(VESSELS));
  const cases: Array<[() => unknown, string, string]> = [
    [() => l.get("BK-0042"), "booking", "BK-0042"],
    [() => new BerthRegistry(BERTHS).get("Z9"), "berth", "Z9"],
    [() => new Fleet(VESSELS).get("V-NONE"), "vessel", "V-NONE"],
    [() => members.get("M9999"), "member", "M9999"],
    [() => waitlist.remove("WL-404"), "waitlist entry", "WL-404"],
    [() => waitlist.position("WL-405"), "waitlist entry", "WL-405"],
  ];
  for (const [fn, kind, id] of cases) {
    const e = caught(fn);
    assert.ok(e instanceof NotFoundError, `${kind} ${id}`);
    assert.ok(e instanceof MarinaError);
    assert.equal(e.name, "NotFoundError");
    assert.deepEqual([e.code, e.kind, e.id, e.message], ["not-found", kind, id, `${kind} ${id} does not exist`]);
  }
});

test("errors: mixing currencies is a CurrencyMismatchError with both codes", async () => {
  const { CurrencyMismatchError } = await lib();
  const chf = money(1250, "CHF");
  const sek = money(990, "SEK");
  for (const fn of [() => add(chf, sek), () => subtract(chf, sek), () => compare(chf, sek)]) {
    const e = caught(fn);
    assert.ok(e instanceof CurrencyMismatchError);
    assert.ok(e instanceof MarinaError);
    assert.equal(e.name, "CurrencyMismatchError");
    assert.deepEqual([e.code, e.left, e.right, e.message], ["currency-mismatch", "CHF", "SEK", "cannot combine CHF with SEK"]);
  }
  const e = caught(() => sum([money(1, "SEK")], "CHF"));
  assert.deepEqual([e.constructor.name, e.left, e.right], ["CurrencyMismatchError", "CHF", "SEK"]);
});

test("errors: an invoice with lines in two currencies is a CurrencyMismatchError", async () => {
  const { CurrencyMismatchError } = await lib();
  const e = caught(() =>
    invoiceTotals({
      id: "INV-1", bookingId: "BK-1", memberId: "M3001", issued: "2027-09-01", currency: "NOK",
      lines: [
        { description: "berth", net: money(10000, "NOK"), taxBp: 2500 },
        { description: "fuel", net: money(5000, "DKK"), taxBp: 2500 },
      ],
    }),
  );
  assert.ok(e instanceof CurrencyMismatchError);
  assert.deepEqual([e.left, e.right], ["NOK", "DKK"]);
});

test("errors: the error classes are exported from errors.ts itself", async () => {
  const errors: Record<string, any> = await import("/repo/src/errors.ts");
  for (const name of ["NotFoundError", "BookingConflictError", "CurrencyMismatchError"]) {
    assert.equal(typeof errors[name], "function", name);
    assert.ok(errors[name].prototype instanceof errors["MarinaError"], name);
  }
});

test("errors: codes and messages stay as they were", () => {
  const l = ledger();
  l.book({ vesselId: "V-W", berthId: "K2", arrival: "2027-09-01", departure: "2027-09-05" });
  const clash = caught(() => l.book({ vesselId: "V-G", berthId: "K2", arrival: "2027-09-02", departure: "2027-09-03" }));
  assert.ok(clash instanceof MarinaError);
  assert.equal(clash.code, "conflict");
  const missing = caught(() => l.get("BK-0077"));
  assert.deepEqual([missing.code, missing.message], ["not-found", "booking BK-0077 does not exist"]);
  const mixed = caught(() => add(money(1, "EUR"), money(1, "USD")));
  assert.deepEqual([mixed.code, mixed.message], ["currency-mismatch", "cannot combine EUR with USD"]);
});

test("errors: validation errors are unchanged", () => {
  const e = caught(() => ledger().book({ vesselId: "V-W", berthId: "K2", arrival: "2027-09-05", departure: "2027-09-05" }));
  assert.ok(e instanceof ValidationError && e instanceof MarinaError);
  assert.deepEqual([e.code, e.field], ["invalid", "departure"]);
});
