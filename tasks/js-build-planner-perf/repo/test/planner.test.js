import { test } from "node:test";
import assert from "node:assert/strict";
import { buildLevels, CycleError, parseBuildfile, planBuild } from "../src/index.js";

const BUILDFILE = `
app: lib-ui lib-net   # the binary
lib-ui: lib-core
lib-net: lib-core
lib-core:
docs:
`;

test("dependencies first, ties by name", () => {
  assert.deepEqual(planBuild(parseBuildfile(BUILDFILE)), ["docs", "lib-core", "lib-net", "lib-ui", "app"]);
});

test("goals restrict the plan", () => {
  assert.deepEqual(planBuild(parseBuildfile(BUILDFILE), ["lib-ui"]), ["lib-core", "lib-ui"]);
});

test("levels", () => {
  assert.deepEqual(buildLevels(parseBuildfile(BUILDFILE)), [["docs", "lib-core"], ["lib-net", "lib-ui"], ["app"]]);
});

test("cycles are reported with their path", () => {
  const graph = parseBuildfile("a: b\nb: c\nc: a\nd:\n");
  assert.throws(() => planBuild(graph), (err) => err instanceof CycleError && err.message === "dependency cycle: a -> b -> c -> a");
});
