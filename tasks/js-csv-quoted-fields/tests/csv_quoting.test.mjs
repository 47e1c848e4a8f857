import { test } from "node:test";
import assert from "node:assert/strict";
import { parse, parseRecords, stringify, ParseError } from "/repo/src/index.js";

test("csv: doubled quote inside a quoted field is one quote", () => {
  assert.deepEqual(parse('id,quote\n7,"Ask for ""Ravi"" at desk"\n'), [["id", "quote"], ["7", 'Ask for "Ravi" at desk']]);
});

test("csv: field made only of an escaped quote", () => {
  assert.deepEqual(parse('a,"""",b\n'), [["a", '"', "b"]]);
});

test("csv: quoted field may contain a line break", () => {
  assert.deepEqual(parse('id,note\n1,"top row\nbottom row"\n2,plain\n'), [
    ["id", "note"],
    ["1", "top row\nbottom row"],
    ["2", "plain"],
  ]);
});

test("csv: quoted field keeps an embedded CRLF", () => {
  assert.deepEqual(parse('a,"x\r\ny"\r\nb,c\r\n'), [["a", "x\r\ny"], ["b", "c"]]);
});

test("csv: stringify then parse returns tricky rows unchanged", () => {
  const rows = [
    ["plain", "with,comma", 'with "quotes"'],
    ["multi\nline", "", " padded "],
    ['"', '""', "end"],
  ];
  assert.deepEqual(parse(stringify(rows)), rows);
  assert.deepEqual(parse(stringify(rows, { dialect: "excel" })), rows);
});

test("csv: records with a multi-line quoted field", () => {
  const text = 'sku,description\nA1,"Red mug\nholds 300 ml"\nB2,"Blue ""classic"" plate"\n';
  assert.deepEqual(parseRecords(text), [
    { sku: "A1", description: "Red mug\nholds 300 ml" },
    { sku: "B2", description: 'Blue "classic" plate' },
  ]);
});

test("csv: custom quote character can be escaped by doubling", () => {
  assert.deepEqual(parse("a;'it''s';b\n", { delimiter: ";", quote: "'" }), [["a", "it's", "b"]]);
});

test("csv: simple rows still parse", () => {
  assert.deepEqual(parse("a,b,c\n1,2,3\n"), [["a", "b", "c"], ["1", "2", "3"]]);
});

test("csv: last line without a line break is a row", () => {
  assert.deepEqual(parse("a,b\n1,2"), [["a", "b"], ["1", "2"]]);
});

test("csv: CRLF line endings between rows", () => {
  assert.deepEqual(parse("a,b\r\n1,2\r\n"), [["a", "b"], ["1", "2"]]);
});

test("csv: empty lines kept or skipped", () => {
  assert.deepEqual(parse("a\n\nb\n"), [["a"], [""], ["b"]]);
  assert.deepEqual(parse("a\n\nb\n", { skipEmptyLines: true }), [["a"], ["b"]]);
});

test("csv: empty input gives no rows", () => {
  assert.deepEqual(parse(""), []);
});

test("csv: unterminated quoted field is a ParseError", () => {
  assert.throws(() => parse('a,"never closed\nb,c\n'), ParseError);
});

test("csv: quote in the middle of an unquoted field is a ParseError", () => {
  assert.throws(() => parse('ab"c,d\n'), ParseError);
});

test("csv: quoted delimiter and tsv dialect", () => {
  assert.deepEqual(parse('x,"1,5"\n'), [["x", "1,5"]]);
  assert.deepEqual(parse("a\tb\n", { dialect: "tsv" }), [["a", "b"]]);
});
