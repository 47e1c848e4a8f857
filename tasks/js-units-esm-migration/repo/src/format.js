"use strict";
/**
 * Printing quantities.
 */
const { symbol } = require("./units");

/**
 * @param {number} value
 * @param {string} unit
 * @param {{digits?: number, trimZeros?: boolean}} [options] digits defaults to 3; trailing zeros
 *   are removed unless trimZeros is false
 */
function formatQuantity(value, unit, options = {}) {
  const digits = options.digits ?? 3;
  let text = value.toFixed(digits);
  if (options.trimZeros !== false && text.includes(".")) {
    text = text.replace(/0+$/, "").replace(/\.$/, "");
  }
  if (text === "-0") {
    text = "0";
  }
  return `${text} ${symbol(unit)}`;
}

module.exports = { formatQuantity };
