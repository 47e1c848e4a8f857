"use strict";
/**
 * Conversion between units of the same dimension.
 */
const { lookup } = require("./units");

class IncompatibleUnitsError extends Error {
  constructor(from, to, fromDim, toDim) {
    super(`cannot convert ${from} (${fromDim}) to ${to} (${toDim})`);
    this.name = "IncompatibleUnitsError";
  }
}

/**
 * @param {number} value
 * @param {string} from
 * @param {string} to
 * @returns {number}
 */
function convert(value, from, to) {
  if (typeof value !== "number" || Number.isNaN(value)) {
    throw new TypeError("value must be a number");
  }
  const source = lookup(from);
  const target = lookup(to);
  if (source.dimension !== target.dimension) {
    throw new IncompatibleUnitsError(from, to, source.dimension, target.dimension);
  }
  if (from === to) {
    return value;
  }
  const base = value * source.factor + source.offset;
  return (base - target.offset) / target.factor;
}

/**
 * Convert a list of values at once.
 * @param {number[]} values
 * @param {string} from
 * @param {string} to
 */
function convertAll(values, from, to) {
  return values.map((value) => convert(value, from, to));
}

exports.convert = convert;
exports.convertAll = convertAll;
exports.IncompatibleUnitsError = IncompatibleUnitsError;
