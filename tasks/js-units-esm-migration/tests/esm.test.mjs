import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import * as ns from "/repo/src/index.js";

// Works before (CommonJS, everything on the default export) and after (named exports).
const api = ns.default ?? ns;
const near = (actual, expected, eps = 1e-9) => assert.ok(Math.abs(actual - expected) < eps, `${actual} != ${expected}`);

function jsFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) {
      return jsFiles(full);
    }
    return /\.(c|m)?js$/.test(name) ? [full] : [];
  });
}

function runNode(args, input) {
  return spawnSync(process.execPath, args, { cwd: "/repo", encoding: "utf8", input });
}

test("esm: package.json declares an ES module package with an exports map", () => {
  const pkg = JSON.parse(readFileSync("/repo/package.json", "utf8"));
  assert.equal(pkg.type, "module");
  assert.equal(pkg.exports["."], "./src/index.js");
  assert.equal(pkg.exports["./units"], "./src/units.js");
  assert.equal(pkg.bin.unitconv, "bin/unitconv.js");
});

test("esm: index has named exports and no default export", () => {
  assert.equal(ns.default, undefined);
  for (const name of ["convert", "convertAll", "convertText", "formatQuantity", "parseQuantity", "listUnits", "dimensions"]) {
    assert.equal(typeof ns[name], "function", name);
  }
  for (const name of ["IncompatibleUnitsError", "QuantitySyntaxError", "UnknownUnitError"]) {
    assert.equal(typeof ns[name], "function", name);
  }
});

test("esm: no CommonJS left in src and bin", () => {
  for (const file of [...jsFiles("/repo/src"), ...jsFiles("/repo/bin")]) {
    const text = readFileSync(file, "utf8");
    assert.doesNotMatch(text, /\brequire\s*\(|\bcreateRequire\b|\bmodule\.exports\b|\bexports\.\w+\s*=|__dirname|__filename/, file);
  }
});

test("esm: repository tests use import", () => {
  for (const file of jsFiles("/repo/test")) {
    assert.doesNotMatch(readFileSync(file, "utf8"), /\brequire\s*\(/, file);
  }
});

test("esm: README example uses import", () => {
  const readme = readFileSync("/repo/README.md", "utf8");
  assert.doesNotMatch(readme, /\brequire\s*\(/);
  assert.match(readme, /\bimport\s*\{[^}]*\}\s*from\s*"unitconv/);
});

test("esm: package self-reference by name", () => {
  const res = runNode([
    "--input-type=module",
    "-e",
    'import { convert } from "unitconv"; import { lookup, symbol } from "unitconv/units"; console.log(convert(2, "km", "m"), lookup("lb").dimension, symbol("degF"));',
  ]);
  assert.equal(res.status, 0, res.stderr);
  assert.equal(res.stdout, "2000 mass °F\n");
});

test("esm: units module has named exports", async () => {
  const units = await import("/repo/src/units.js");
  assert.equal(units.default, undefined);
  assert.deepEqual(units.lookup("degC"), { dimension: "temperature", factor: 1, offset: 273.15 });
  assert.deepEqual(units.dimensions(), ["length", "mass", "time", "data", "temperature"]);
});

test("esm: conversions keep their values", () => {
  near(api.convert(5, "km", "mi"), 3.1068559611866697, 1e-12);
  near(api.convert(1, "lb", "oz"), 16, 1e-9);
  near(api.convert(90, "min", "h"), 1.5);
  near(api.convert(1, "GiB", "MB"), 1073.741824);
  assert.deepEqual(api.convertAll([0, 100], "degC", "degF").map((v) => Math.round(v * 1e9) / 1e9), [32, 212]);
  near(api.convert(-40, "degF", "degC"), -40);
  assert.equal(api.convert(7, "m", "m"), 7);
});

test("esm: errors keep their classes", () => {
  assert.throws(() => api.convert(1, "kg", "m"), api.IncompatibleUnitsError);
  assert.throws(() => api.convert(1, "parsec", "m"), (err) => err instanceof api.UnknownUnitError && err.unit === "parsec");
  assert.throws(() => api.parseQuantity("km 5"), api.QuantitySyntaxError);
  assert.throws(() => api.convert("5", "m", "km"), TypeError);
});

test("esm: parsing and formatting keep their output", () => {
  assert.deepEqual(api.parseQuantity(".5 h"), { value: 0.5, unit: "h" });
  assert.equal(api.formatQuantity(-0.0001, "degC"), "0 °C");
  assert.equal(api.convertText("72 degF", "degC", { digits: 1 }), "22.2 °C");
  assert.deepEqual(api.listUnits("time"), ["ms", "s", "min", "h", "d", "wk"]);
});

test("esm: command line tool output and exit codes", () => {
  const ok = runNode(["/repo/bin/unitconv.js", "5", "km", "mi"]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(ok.stdout, "3.107 mi\n");
  const list = runNode(["/repo/bin/unitconv.js", "--list", "mass"]);
  assert.equal(list.stdout, "mg\ng\nkg\nt\noz\nlb\n");
  const bad = runNode(["/repo/bin/unitconv.js", "1", "kg", "m"]);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /cannot convert kg \(mass\) to m \(length\)/);
  assert.equal(runNode(["/repo/bin/unitconv.js", "x"]).status, 2);
});
