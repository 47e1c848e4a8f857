import assert from "node:assert/strict";
import { test } from "node:test";

import { TideTable, toMinutes } from "../src/tides.ts";
import { tideEvents } from "./fixtures.ts";

test("tides: heights follow the rule of cosines between events", () => {
  const table = new TideTable(tideEvents("2026-06-01T00:00Z", 6));
  const t0 = toMinutes("2026-06-01T00:00Z");
  assert.equal(table.heightAt(t0), 0.6);
  assert.ok(Math.abs(table.heightAt(t0 + 186) - 2.4) < 1e-9);
  assert.equal(table.heightAt(t0 + 372), 4.2);
});

test("tides: windows above a height open on the flood and close on the ebb", () => {
  const table = new TideTable(tideEvents("2026-06-01T00:00Z", 6));
  const t0 = toMinutes("2026-06-01T00:00Z");
  const w = table.windows(2.4, t0, t0 + 744);
  assert.deepEqual(w, [{ start: t0 + 186, end: t0 + 558 }]);
});
