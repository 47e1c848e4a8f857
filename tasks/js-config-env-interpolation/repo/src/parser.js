/**
 * INI-style text -> { section: { key: rawString } }.
 *
 * Keys before any [section] header go to the "" section. Comments start with # or ; at the beginning
 * of a line, or after whitespace in an unquoted value.
 */
import { SyntaxProblem } from "./errors.js";

const SECTION = /^\[([A-Za-z0-9_.-]+)\]$/;
const KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * @param {string} text
 * @returns {Record<string, Record<string, string>>}
 */
export function parseIni(text) {
  const result = { "": {} };
  let section = "";
  const lines = text.split(/\r?\n/);
  lines.forEach((rawLine, index) => {
    const lineNo = index + 1;
    const line = rawLine.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) {
      return;
    }
    const header = SECTION.exec(line);
    if (header) {
      section = header[1];
      result[section] ??= {};
      return;
    }
    const eq = line.indexOf("=");
    if (eq === -1) {
      throw new SyntaxProblem(`expected "key = value" or "[section]", got ${JSON.stringify(line)}`, lineNo);
    }
    const key = line.slice(0, eq).trim();
    if (!KEY.test(key)) {
      throw new SyntaxProblem(`invalid key ${JSON.stringify(key)}`, lineNo);
    }
    if (Object.hasOwn(result[section], key)) {
      throw new SyntaxProblem(`duplicate key ${JSON.stringify(key)} in [${section}]`, lineNo);
    }
    result[section][key] = parseValue(line.slice(eq + 1).trim(), lineNo);
  });
  return result;
}

/**
 * @param {string} text value text after "=", trimmed
 * @param {number} lineNo
 * @returns {string}
 */
export function parseValue(text, lineNo) {
  if (!text.startsWith('"')) {
    const comment = text.search(/\s[#;]/);
    return comment === -1 ? text : text.slice(0, comment).trimEnd();
  }
  let out = "";
  for (let i = 1; i < text.length; i += 1) {
    const ch = text[i];
    if (ch === "\\") {
      const next = text[i + 1];
      if (next !== '"' && next !== "\\") {
        throw new SyntaxProblem(`unknown escape \\${next ?? ""}`, lineNo);
      }
      out += next;
      i += 1;
    } else if (ch === '"') {
      const rest = text.slice(i + 1).trim();
      if (rest !== "" && !rest.startsWith("#") && !rest.startsWith(";")) {
        throw new SyntaxProblem("text after closing quote", lineNo);
      }
      return out;
    } else {
      out += ch;
    }
  }
  throw new SyntaxProblem("unterminated quoted value", lineNo);
}
