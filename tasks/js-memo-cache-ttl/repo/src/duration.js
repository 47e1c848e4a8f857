/**
 * Human-friendly durations, always returned in milliseconds.
 */

const UNIT_MS = Object.freeze({
  ms: 1,
  s: 1000,
  m: 60 * 1000,
  h: 60 * 60 * 1000,
  d: 24 * 60 * 60 * 1000,
});

const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;

/**
 * Parse a duration.
 * @param {number|string} input milliseconds as a number, or text like "1m30s"
 * @returns {number} milliseconds
 */
export function parseDuration(input) {
  if (typeof input === "number") {
    if (!Number.isFinite(input) || input < 0) {
      throw new RangeError(`invalid duration ${input}`);
    }
    return input;
  }
  if (typeof input !== "string" || input.trim() === "") {
    throw new TypeError("duration must be a number of ms or a non-empty string");
  }
  const text = input.trim().toLowerCase();
  let total = 0;
  let consumed = 0;
  for (const match of text.matchAll(PART)) {
    if (match.index !== consumed) {
      break;
    }
    total += Number(match[1]) * UNIT_MS[match[2]];
    consumed += match[0].length;
  }
  if (consumed !== text.length) {
    throw new SyntaxError(`cannot parse duration ${JSON.stringify(input)}`);
  }
  return total;
}

/**
 * Format milliseconds compactly, e.g. 90000 -> "1m30s".
 * @param {number} ms
 * @returns {string}
 */
export function formatDuration(ms) {
  if (ms === 0) {
    return "0ms";
  }
  const parts = [];
  let rest = ms;
  for (const unit of ["d", "h", "m", "s", "ms"]) {
    const size = UNIT_MS[unit];
    const count = Math.floor(rest / size);
    if (count > 0) {
      parts.push(`${count}${unit}`);
      rest -= count * size;
    }
  }
  return parts.join("");
}
