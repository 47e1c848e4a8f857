"use strict";
const { convert, convertAll, IncompatibleUnitsError } = require("./convert");
const { formatQuantity } = require("./format");
const { parseQuantity, QuantitySyntaxError } = require("./parse");
const units = require("./units");

/**
 * Parse "5 km", convert it and format the result in one go.
 * @param {string} text
 * @param {string} to
 * @param {{digits?: number}} [options]
 */
function convertText(text, to, options) {
  const { value, unit } = parseQuantity(text);
  return formatQuantity(convert(value, unit, to), to, options);
}

module.exports = {
  convert,
  convertAll,
  convertText,
  formatQuantity,
  parseQuantity,
  IncompatibleUnitsError,
  QuantitySyntaxError,
  UnknownUnitError: units.UnknownUnitError,
  listUnits: units.listUnits,
  dimensions: units.dimensions,
};
