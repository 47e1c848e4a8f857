#!/usr/bin/env node
"use strict";
const { convert, formatQuantity, listUnits } = require("../src/index");

function main(argv) {
  if (argv[0] === "--list") {
    console.log(listUnits(argv[1]).join("\n"));
    return 0;
  }
  if (argv.length !== 3) {
    console.error("usage: unitconv VALUE FROM TO | unitconv --list [DIMENSION]");
    return 2;
  }
  const value = Number(argv[0]);
  if (Number.isNaN(value)) {
    console.error(`not a number: ${argv[0]}`);
    return 2;
  }
  try {
    console.log(formatQuantity(convert(value, argv[1], argv[2]), argv[2]));
    return 0;
  } catch (err) {
    console.error(err.message);
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));
