import { test } from "node:test";
import assert from "node:assert/strict";
import { parse, ParseError } from "../src/index.js";

test("parses simple rows", () => {
  assert.deepEqual(parse("a,b,c\n1,2,3\n"), [["a", "b", "c"], ["1", "2", "3"]]);
});

test("accepts CRLF input", () => {
  assert.deepEqual(parse("a,b\r\n1,2\r\n"), [["a", "b"], ["1", "2"]]);
});

test("quoted field may contain the delimiter", () => {
  assert.deepEqual(parse('name,city\nAnn,"Paris, France"\n'), [["name", "city"], ["Ann", "Paris, France"]]);
});

test("empty fields are kept", () => {
  assert.deepEqual(parse(",,\n"), [["", "", ""]]);
});

test("skipEmptyLines drops blank lines", () => {
  assert.deepEqual(parse("a\n\nb\n", { skipEmptyLines: true }), [["a"], ["b"]]);
});

test("unterminated quote is an error", () => {
  assert.throws(() => parse('a,"oops\n'), ParseError);
});

test("tsv dialect splits on tabs", () => {
  assert.deepEqual(parse("a\tb\n1\t2\n", { dialect: "tsv" }), [["a", "b"], ["1", "2"]]);
});
