/**
 * Turning raw strings into typed values.
 */

const TRUE = new Set(["true", "yes", "on", "1"]);
const FALSE = new Set(["false", "no", "off", "0"]);

/**
 * @param {string} raw
 * @param {"string"|"int"|"float"|"bool"|"list"} type
 * @returns {{ok: true, value: unknown} | {ok: false, error: string}}
 */
export function coerce(raw, type) {
  switch (type) {
    case "string":
      return { ok: true, value: raw };
    case "int": {
      if (!/^[-+]?\d+$/.test(raw)) {
        return { ok: false, error: `expected an integer, got ${JSON.stringify(raw)}` };
      }
      return { ok: true, value: Number.parseInt(raw, 10) };
    }
    case "float": {
      const value = Number(raw);
      if (raw.trim() === "" || !Number.isFinite(value)) {
        return { ok: false, error: `expected a number, got ${JSON.stringify(raw)}` };
      }
      return { ok: true, value };
    }
    case "bool": {
      const lower = raw.toLowerCase();
      if (TRUE.has(lower)) {
        return { ok: true, value: true };
      }
      if (FALSE.has(lower)) {
        return { ok: true, value: false };
      }
      return { ok: false, error: `expected a boolean, got ${JSON.stringify(raw)}` };
    }
    case "list":
      return {
        ok: true,
        value: raw
          .split(",")
          .map((item) => item.trim())
          .filter((item) => item !== ""),
      };
    default:
      return { ok: false, error: `unknown type ${JSON.stringify(type)}` };
  }
}
