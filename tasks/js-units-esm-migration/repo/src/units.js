"use strict";
/**
 * Unit table lookups. Linear units have a factor to the dimension's base unit; temperatures have
 * [factor, offset] so that base = value * factor + offset.
 */
const path = require("node:path");
const fs = require("node:fs");

const TABLE = JSON.parse(fs.readFileSync(path.join(__dirname, "data", "units.json"), "utf8"));

const SYMBOLS = { degC: "°C", degF: "°F" };

class UnknownUnitError extends Error {
  constructor(unit) {
    super(`unknown unit ${JSON.stringify(unit)}`);
    this.name = "UnknownUnitError";
    this.unit = unit;
  }
}

/**
 * @param {string} unit
 * @returns {{dimension: string, factor: number, offset: number}}
 */
function lookup(unit) {
  for (const [dimension, spec] of Object.entries(TABLE)) {
    if (Object.hasOwn(spec.units, unit)) {
      const entry = spec.units[unit];
      const [factor, offset] = Array.isArray(entry) ? entry : [entry, 0];
      return { dimension, factor, offset };
    }
  }
  throw new UnknownUnitError(unit);
}

/** All unit names, optionally of one dimension. */
function listUnits(dimension) {
  const dims = dimension === undefined ? Object.keys(TABLE) : [dimension];
  return dims.flatMap((dim) => {
    if (!TABLE[dim]) {
      throw new RangeError(`unknown dimension ${JSON.stringify(dim)}`);
    }
    return Object.keys(TABLE[dim].units);
  });
}

function dimensions() {
  return Object.keys(TABLE);
}

/** Display symbol of a unit ("degC" -> "°C"). */
function symbol(unit) {
  return SYMBOLS[unit] ?? unit;
}

module.exports = { UnknownUnitError, lookup, listUnits, dimensions, symbol };
