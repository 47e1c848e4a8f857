/**
 * Cache keys for memoized calls.
 */

/**
 * Stable string for a list of JSON-like arguments: object keys are sorted so {a, b} and {b, a}
 * give the same key; undefined and null are told apart.
 * @param {unknown[]} args
 * @returns {string}
 */
export function defaultKey(args) {
  return args.map(encode).join("|");
}

function encode(value) {
  if (value === undefined) {
    return "u";
  }
  if (value === null || typeof value !== "object") {
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map(encode).join(",")}]`;
  }
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${encode(value[k])}`).join(",")}}`;
}
