import { test } from "node:test";
import assert from "node:assert/strict";
import { PackTable, parseQuantity } from "../src/units.js";
import { ValidationError } from "../src/errors.js";

test("packs convert to the base unit, nested packs multiply", () => {
  const units = new PackTable("each").define("box", 12).define("case", 4, "box");
  assert.equal(units.toBase(3, "box"), 36);
  assert.equal(units.toBase(2, "case"), 96);
  assert.equal(units.fromBase(18, "box"), 1.5);
});

test("metric sub-units convert", () => {
  const units = new PackTable("kg");
  assert.equal(units.toBase(250, "g"), 0.25);
  assert.throws(() => units.toBase(1, "ml"), ValidationError);
});

test("breakdown splits into whole packs, largest first", () => {
  const units = new PackTable("each").define("box", 12).define("case", 4, "box");
  assert.deepEqual(units.breakdown(110), [
    { unit: "case", count: 2 },
    { unit: "box", count: 1 },
    { unit: "each", count: 2 },
  ]);
  assert.deepEqual(units.breakdown(0), [{ unit: "each", count: 0 }]);
});

test("bad pack definitions and quantities are rejected", () => {
  const units = new PackTable();
  assert.throws(() => units.define("box", 0), ValidationError);
  assert.throws(() => units.define("crate", 2, "pallet"), ValidationError);
  assert.throws(() => parseQuantity("ten"), ValidationError);
  assert.throws(() => parseQuantity(""), ValidationError);
  assert.equal(parseQuantity(" 2.5 "), 2.5);
});
