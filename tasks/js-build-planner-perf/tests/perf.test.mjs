import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { makeGraphSpec, referencePlan } from "./graphgen.mjs";

const CHILD = fileURLToPath(new URL("./perf_child.mjs", import.meta.url));
const SIZE = 20000;
const BOUND_MS = 3000; // the bound; an O((V+E) log V) planner needs ~100-300 ms here
const KILL_MS = 10000; // the shipped planner would need hours: kill it

function timedRun(mode) {
  const res = spawnSync(process.execPath, [CHILD, String(SIZE), mode], {
    encoding: "utf8",
    timeout: KILL_MS,
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.equal(res.error, undefined, `planner did not finish within ${KILL_MS} ms`);
  assert.equal(res.status, 0, res.stderr);
  return JSON.parse(res.stdout);
}

test("perf: planBuild of 20000 targets within the bound and in reference order", () => {
  const { ms, result } = timedRun("all");
  assert.deepEqual(result, referencePlan(makeGraphSpec(SIZE).targets));
  assert.ok(ms < BOUND_MS, `planBuild took ${ms.toFixed(0)} ms (bound ${BOUND_MS} ms)`);
});

test("perf: planBuild with goals on 20000 targets within the bound", () => {
  const { ms, result } = timedRun("goals");
  const spec = makeGraphSpec(SIZE);
  assert.deepEqual(result, referencePlan(spec.targets, spec.goals));
  assert.ok(ms < BOUND_MS, `planBuild(goals) took ${ms.toFixed(0)} ms (bound ${BOUND_MS} ms)`);
});

test("perf: buildLevels of 20000 targets within the bound", () => {
  const { ms, result } = timedRun("levels");
  assert.equal(result.flat().length, SIZE);
  assert.ok(ms < BOUND_MS, `buildLevels took ${ms.toFixed(0)} ms (bound ${BOUND_MS} ms)`);
});
