#!/usr/bin/env node
/**
 * The `stockroom` command line.
 *
 *     stockroom stock     --data ws.json [--where QUERY] [--format FMT]
 *     stockroom movements --data ws.json [--where QUERY] [--format FMT]
 *     stockroom value     --data ws.json [--method fifo|average] [--as-of DATE] [--format FMT]
 *     stockroom reorder   --data ws.json --as-of DATE [--window DAYS] [--format FMT]
 *     stockroom import    --data ws.json FILE.csv
 *     stockroom formats
 *
 * `runCli` is the testable entry point: it takes argv and an environment object with
 * `stdout`/`stderr` writers and `readFile`/`writeFile`, and returns the exit code.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { StockroomError } from "./errors.js";
import { importMovements } from "./importer.js";
import { suggestReorders } from "./reorder.js";
import { MOVEMENT_COLUMNS, movementRows, render, STOCK_COLUMNS, stockRows, VALUE_COLUMNS, valueRows } from "./report.js";
import { dumpWorkspace, parseWorkspace } from "./workspace.js";

const REORDER_COLUMNS = [
  { key: "sku", title: "SKU" },
  { key: "position", title: "Position", align: "right" },
  { key: "dailyUsage", title: "Per day", align: "right" },
  { key: "orderQty", title: "Order", align: "right" },
  { key: "packs", title: "Packs", align: "right" },
  { key: "orderUnit", title: "Unit" },
];

/** The output formats render() knows, with the line `stockroom formats` prints for each. */
const OUTPUT_FORMATS = [
  ["csv", "CSV with a header row"],
  ["json", "JSON array of objects"],
  ["markdown", "GitHub-flavoured Markdown table"],
  ["text", "aligned plain-text table"],
];

/** The --format value, checked against OUTPUT_FORMATS. */
function formatOf(flags) {
  const format = flags.get("--format") ?? "text";
  if (!OUTPUT_FORMATS.some(([name]) => name === format)) {
    throw new StockroomError(`--format must be one of ${OUTPUT_FORMATS.map(([name]) => name).join(", ")}`, "E_USAGE");
  }
  return format;
}

const FLAGS = new Set(["--data", "--where", "--format", "--method", "--as-of", "--window"]);

/**
 * Splits argv into the command, flag values and positional arguments.
 * @returns {{command: string|undefined, flags: Map<string, string>, args: string[]}}
 */
export function parseArgs(argv) {
  const flags = new Map();
  const args = [];
  let command;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg.startsWith("--")) {
      const [name, inline] = arg.split("=", 2);
      if (!FLAGS.has(name)) {
        throw new StockroomError(`unknown option ${name}`, "E_USAGE");
      }
      const value = inline ?? argv[i + 1];
      if (value === undefined) {
        throw new StockroomError(`option ${name} needs a value`, "E_USAGE");
      }
      if (inline === undefined) {
        i += 1;
      }
      flags.set(name, value);
    } else if (command === undefined) {
      command = arg;
    } else {
      args.push(arg);
    }
  }
  return { command, flags, args };
}

function defaultEnv() {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    readFile: (path) => readFileSync(path, "utf8"),
    writeFile: (path, text) => writeFileSync(path, text),
  };
}

function needData(flags, env) {
  const path = flags.get("--data");
  if (!path) {
    throw new StockroomError("--data FILE is required", "E_USAGE");
  }
  return { path, ledger: parseWorkspace(env.readFile(path)) };
}

const COMMANDS = {
  stock(flags, _args, env) {
    const { ledger } = needData(flags, env);
    return render(stockRows(ledger, { where: flags.get("--where") }), STOCK_COLUMNS, formatOf(flags));
  },
  movements(flags, _args, env) {
    const { ledger } = needData(flags, env);
    return render(movementRows(ledger, { where: flags.get("--where") }), MOVEMENT_COLUMNS, formatOf(flags));
  },
  value(flags, _args, env) {
    const { ledger } = needData(flags, env);
    const rows = valueRows(ledger, { method: flags.get("--method") ?? "fifo", asOf: flags.get("--as-of") });
    return render(rows, VALUE_COLUMNS, formatOf(flags));
  },
  reorder(flags, _args, env) {
    const { ledger } = needData(flags, env);
    if (!flags.has("--as-of")) {
      throw new StockroomError("reorder needs --as-of DATE", "E_USAGE");
    }
    const windowDays = flags.has("--window") ? Number(flags.get("--window")) : undefined;
    const rows = suggestReorders(ledger, { asOf: flags.get("--as-of"), windowDays });
    return render(rows, REORDER_COLUMNS, formatOf(flags));
  },
  import(flags, args, env) {
    const { path, ledger } = needData(flags, env);
    if (args.length !== 1) {
      throw new StockroomError("import needs exactly one CSV file", "E_USAGE");
    }
    const result = importMovements(ledger, env.readFile(args[0]));
    env.writeFile(path, JSON.stringify(dumpWorkspace(ledger), null, 2) + "\n");
    const lines = [`imported ${result.imported} movements`];
    for (const e of result.errors) {
      lines.push(`line ${e.line}: ${e.message}`);
    }
    return lines.join("\n") + "\n";
  },
  formats() {
    return OUTPUT_FORMATS.map(([name, description]) => `${name.padEnd(10)} ${description}`).join("\n") + "\n";
  },
};

/**
 * Runs one CLI invocation.
 * @param {string[]} argv arguments after the program name
 * @param {object} [env] I/O seams (see the module docstring)
 * @returns {number} exit code: 0 ok, 1 a stockroom error, 2 a usage error
 */
export function runCli(argv, env = defaultEnv()) {
  try {
    const { command, flags, args } = parseArgs(argv);
    const handler = command === undefined ? undefined : COMMANDS[command];
    if (!handler || !Object.hasOwn(COMMANDS, command)) {
      throw new StockroomError(`unknown command ${command ?? "(none)"}; try: ${Object.keys(COMMANDS).join(", ")}`, "E_USAGE");
    }
    env.stdout(handler(flags, args, env));
    return 0;
  } catch (err) {
    if (!(err instanceof StockroomError)) {
      throw err;
    }
    env.stderr(`stockroom: ${err.message}\n`);
    return err.code === "E_USAGE" ? 2 : 1;
  }
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  process.exitCode = runCli(process.argv.slice(2));
}
