"use strict";
/**
 * Reading quantities such as "12.5 km", "-40degF" or "1e3 ms".
 */
const { lookup } = require("./units");

const QUANTITY = /^\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?)\s*([A-Za-z]+)\s*$/;

class QuantitySyntaxError extends Error {
  constructor(text) {
    super(`cannot read a quantity from ${JSON.stringify(text)}`);
    this.name = "QuantitySyntaxError";
  }
}

/**
 * @param {string} text
 * @returns {{value: number, unit: string}}
 */
function parseQuantity(text) {
  const match = QUANTITY.exec(text);
  if (!match) {
    throw new QuantitySyntaxError(text);
  }
  const unit = match[2];
  lookup(unit);
  return { value: Number(match[1]), unit };
}

module.exports = { parseQuantity, QuantitySyntaxError };
