import { test } from "node:test";
import assert from "node:assert/strict";
import { parseIni, SyntaxProblem } from "../src/index.js";

test("sections and keys", () => {
  assert.deepEqual(parseIni("a = 1\n[s]\nb = two\n"), { "": { a: "1" }, s: { b: "two" } });
});

test("comments are ignored", () => {
  assert.deepEqual(parseIni("# c\n; c\n[s]\nk = v # trailing\n"), { "": {}, s: { k: "v" } });
});

test("quoted values keep spaces and hashes", () => {
  assert.deepEqual(parseIni('[s]\nk = "  a # b  "\n').s, { k: "  a # b  " });
  assert.deepEqual(parseIni('[s]\nk = "say \\"hi\\""\n').s, { k: 'say "hi"' });
});

test("duplicate keys are an error with a line number", () => {
  assert.throws(() => parseIni("[s]\nk = 1\nk = 2\n"), (err) => err instanceof SyntaxProblem && err.line === 3);
});
