import assert from "node:assert/strict";
import { test } from "node:test";

import { Harbour } from "../src/harbour.ts";
import { STANDARD_CARD } from "../src/rates.ts";
import { BERTHS, VESSELS, tideEvents } from "./fixtures.ts";

function harbour(): Harbour {
  const h = new Harbour({ berths: BERTHS, tides: tideEvents("2026-05-31T22:00Z", 40), card: STANDARD_CARD, taxBp: 2100 });
  for (const v of VESSELS) {
    h.fleet.register(v);
  }
  return h;
}

test("harbour: check-in books the tightest berth and invoices the first owner", () => {
  const h = harbour();
  const inv = h.checkIn("V-ALBA", { arrival: "2026-06-02", departure: "2026-06-05" }, "2026-06-01");
  assert.ok(inv !== null);
  assert.equal(inv.memberId, "M1001");
  assert.equal(h.ledger.get(inv.bookingId).berthId, "A1");
  assert.match(h.digest(), /booking BK-0001 on A1\n2026-06-01  invoice INV-00001 for booking BK-0001/);
});

test("harbour: a multihull goes alongside", () => {
  const h = harbour();
  const inv = h.checkIn("V-CAT", { arrival: "2026-06-02", departure: "2026-06-04" }, "2026-06-01");
  assert.equal(h.ledger.get(inv!.bookingId).berthId, "B1");
  assert.match(h.nightSheet("2026-06-03"), /B1\s+Catalina\s+2026-06-04/);
});
