/**
 * Command line: salesreport [--by region|product|month] [--format F] [--no-totals] FILE.json
 */
import { readFile } from "node:fs/promises";
import { summarize } from "./aggregate.js";
import { FORMATS, formatReport } from "./format.js";

const USAGE = `usage: salesreport [--by region|product|month] [--format ${FORMATS.join("|")}] [--no-totals] FILE.json`;

/**
 * @param {string[]} argv arguments after the program name
 * @returns {{by: string, format: string, showTotals: boolean, file: string}}
 */
export function parseArgs(argv) {
  const options = { by: "region", format: "table", showTotals: true, file: undefined };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === "--by" || arg === "--format") {
      const value = argv[i + 1];
      if (value === undefined) {
        throw new Error(`${arg} needs a value\n${USAGE}`);
      }
      options[arg.slice(2)] = value;
      i += 1;
    } else if (arg === "--no-totals") {
      options.showTotals = false;
    } else if (arg.startsWith("-")) {
      throw new Error(`unknown option ${arg}\n${USAGE}`);
    } else if (options.file === undefined) {
      options.file = arg;
    } else {
      throw new Error(`only one input file is allowed\n${USAGE}`);
    }
  }
  if (options.file === undefined) {
    throw new Error(USAGE);
  }
  return options;
}

/** @param {string[]} argv */
export async function main(argv) {
  const options = parseArgs(argv);
  const records = JSON.parse(await readFile(options.file, "utf8"));
  const report = summarize(records, { by: options.by });
  process.stdout.write(formatReport(report, options.format, { showTotals: options.showTotals }));
}
