#!/usr/bin/env node
import { readFileSync } from "node:fs";
import { buildLevels, parseBuildfile, planBuild } from "../src/index.js";

const args = process.argv.slice(2);
const levels = args[0] === "--levels";
const [file, ...goals] = levels ? args.slice(1) : args;
if (file === undefined) {
  console.error("usage: buildplan [--levels] BUILDFILE [GOAL...]");
  process.exit(2);
}
try {
  const graph = parseBuildfile(readFileSync(file, "utf8"));
  if (levels) {
    buildLevels(graph, goals).forEach((wave, i) => console.log(`${i}: ${wave.join(" ")}`));
  } else {
    console.log(planBuild(graph, goals).join("\n"));
  }
} catch (err) {
  console.error(`buildplan: ${err.message}`);
  process.exit(1);
}
