import { test } from "node:test";
import assert from "node:assert/strict";
import { stringify, quoteField, stringifyRecords, parseRecords } from "../src/index.js";

const unix = { delimiter: ",", quote: '"' };

test("plain fields are not quoted", () => {
  assert.equal(quoteField("abc", unix), "abc");
});

test("fields with delimiter or quotes are quoted", () => {
  assert.equal(quoteField("a,b", unix), '"a,b"');
  assert.equal(quoteField('say "hi"', unix), '"say ""hi"""');
});

test("excel dialect uses CRLF", () => {
  assert.equal(stringify([["a", "b"]], { dialect: "excel" }), "a,b\r\n");
});

test("null and undefined become empty fields", () => {
  assert.equal(stringify([[null, undefined, 0]]), ",,0\n");
});

test("records round trip", () => {
  const records = [{ id: "1", name: "Ann" }, { id: "2", name: "Bo" }];
  assert.deepEqual(parseRecords(stringifyRecords(records)), records);
});
