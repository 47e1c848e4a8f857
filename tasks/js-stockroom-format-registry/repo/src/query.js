/**
 * A small filter language for stock rows and movements, as typed into the CLI's `--where`:
 *
 *     sku:ABC-*  qty>=10  -location:RECV  name:"red mug"
 *     (tag:fragile OR tag:glass) AND NOT zone:Z
 *
 * - A term is `field` `op` `value`; `op` is `:` (equals, with `*` wildcards, case-insensitive),
 *   `=`, `!=`, `>`, `>=`, `<`, `<=` (numbers compare as numbers, other values as strings).
 * - Terms next to each other must all match (AND; the word `AND` may be written too).
 * - `OR` matches when either side does; AND binds tighter than OR.
 * - `-term` or `NOT x` negates; parentheses group.
 * - A field may hold a list (such as `tags`): `:` then matches when any element does.
 *
 * Field names are looked up on the row; `tag` is an alias of `tags` and `zone` is the letter part
 * of `location`.
 */
import { ParseError } from "./errors.js";

const OPERATORS = [">=", "<=", "!=", ":", "=", ">", "<"];
const FIELD = /^[a-z][a-zA-Z]*$/;

/** Splits query text into tokens: "(", ")", and terms (with their quotes removed). */
export function tokenize(text) {
  const tokens = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (/\s/.test(ch)) {
      i += 1;
      continue;
    }
    if (ch === "(" || ch === ")") {
      tokens.push({ kind: ch, pos: i });
      i += 1;
      continue;
    }
    const start = i;
    let word = "";
    let quoted = false;
    while (i < text.length && !/\s/.test(text[i]) && text[i] !== ")") {
      if (text[i] === '"') {
        const close = text.indexOf('"', i + 1);
        if (close < 0) {
          throw new ParseError(`unterminated quote at position ${i + 1}`);
        }
        word += text.slice(i + 1, close);
        quoted = true;
        i = close + 1;
      } else {
        word += text[i];
        i += 1;
      }
    }
    tokens.push({ kind: "word", text: word, quoted, pos: start });
  }
  return tokens;
}

/** Parses one `field op value` term (with an optional leading `-`). */
export function parseTerm(word) {
  let negate = false;
  let body = word;
  if (body.startsWith("-") && body.length > 1) {
    negate = true;
    body = body.slice(1);
  }
  let at = -1;
  let op = "";
  for (let i = 0; i < body.length && at < 0; i += 1) {
    for (const candidate of OPERATORS) {
      if (body.startsWith(candidate, i)) {
        at = i;
        op = candidate;
        break;
      }
    }
  }
  if (at <= 0) {
    throw new ParseError(`invalid term "${word}" (expected field:value or field>number)`);
  }
  const field = body.slice(0, at);
  if (!FIELD.test(field)) {
    throw new ParseError(`invalid field name "${field}"`);
  }
  const value = body.slice(at + op.length);
  const term = { type: "term", field, op, value };
  return negate ? { type: "not", expr: term } : term;
}

/**
 * Parses query text into a tree of `{type: "term"|"and"|"or"|"not", ...}` nodes. An empty query
 * is `{type: "all"}` and matches everything.
 */
export function parseQuery(text) {
  const tokens = tokenize(String(text));
  let pos = 0;
  const peek = () => tokens[pos];
  const isWord = (tok, w) => tok !== undefined && tok.kind === "word" && !tok.quoted && tok.text === w;

  function parseOr() {
    const parts = [parseAnd()];
    while (isWord(peek(), "OR")) {
      pos += 1;
      parts.push(parseAnd());
    }
    return parts.length === 1 ? parts[0] : { type: "or", parts };
  }

  function parseAnd() {
    const parts = [parseUnary()];
    for (;;) {
      const tok = peek();
      if (tok === undefined || tok.kind === ")" || isWord(tok, "OR")) {
        break;
      }
      if (isWord(tok, "AND")) {
        pos += 1;
      }
      parts.push(parseUnary());
    }
    return parts.length === 1 ? parts[0] : { type: "and", parts };
  }

  function parseUnary() {
    const tok = peek();
    if (tok === undefined) {
      throw new ParseError("query ends where a term was expected");
    }
    if (isWord(tok, "NOT")) {
      pos += 1;
      return { type: "not", expr: parseUnary() };
    }
    if (tok.kind === "(") {
      pos += 1;
      const inner = parseOr();
      if (peek()?.kind !== ")") {
        throw new ParseError(`unbalanced parenthesis at position ${tok.pos + 1}`);
      }
      pos += 1;
      return inner;
    }
    if (tok.kind === ")") {
      throw new ParseError(`unexpected ")" at position ${tok.pos + 1}`);
    }
    if (isWord(tok, "AND") || isWord(tok, "OR")) {
      throw new ParseError(`"${tok.text}" at position ${tok.pos + 1} needs a term on both sides`);
    }
    pos += 1;
    return parseTerm(tok.text);
  }

  if (tokens.length === 0) {
    return { type: "all" };
  }
  const tree = parseOr();
  if (pos < tokens.length) {
    throw new ParseError(`unexpected "${tokens[pos].text ?? tokens[pos].kind}" at position ${tokens[pos].pos + 1}`);
  }
  return tree;
}

function globToRegExp(pattern) {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${escaped}$`, "i");
}

function fieldValue(row, field) {
  if (field === "tag") {
    return row.tags ?? [];
  }
  if (field === "zone") {
    return row.location === undefined ? undefined : String(row.location).split("-")[0];
  }
  return row[field];
}

function compare(actual, op, expected) {
  const bothNumbers = typeof actual === "number" && expected.trim() !== "" && Number.isFinite(Number(expected));
  const a = bothNumbers ? actual : String(actual);
  const b = bothNumbers ? Number(expected) : expected;
  switch (op) {
    case "=":
      return a === b;
    case "!=":
      return a !== b;
    case ">":
      return a > b;
    case ">=":
      return a >= b;
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    default:
      throw new ParseError(`unknown operator "${op}"`);
  }
}

function matchTerm(row, term) {
  const actual = fieldValue(row, term.field);
  if (actual === undefined || actual === null) {
    return false;
  }
  const values = Array.isArray(actual) ? actual : [actual];
  if (term.op === ":") {
    const re = globToRegExp(term.value);
    return values.some((v) => re.test(String(v)));
  }
  return values.some((v) => compare(v, term.op, term.value));
}

/** Evaluates a parsed query against one row. */
export function evaluate(tree, row) {
  switch (tree.type) {
    case "all":
      return true;
    case "term":
      return matchTerm(row, tree);
    case "not":
      return !evaluate(tree.expr, row);
    case "and":
      return tree.parts.every((part) => evaluate(part, row));
    case "or":
      return tree.parts.some((part) => evaluate(part, row));
    default:
      throw new ParseError(`unknown query node "${tree.type}"`);
  }
}

/** Compiles query text into a predicate `row => boolean`. */
export function compileQuery(text) {
  const tree = parseQuery(text);
  return (row) => evaluate(tree, row);
}

/** The rows matching query text, in their original order. */
export function filterRows(rows, text) {
  const predicate = compileQuery(text);
  return rows.filter(predicate);
}
