import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const CHILD = fileURLToPath(new URL("./perf_child.mjs", import.meta.url));
// The bound is relative: at most RATIO times an O((V + E) log V) heap-based Kahn's algorithm on
// the same graph in the same process (plus SLACK_MS for timer noise on small numbers). A planner
// of that complexity measures 1-3x; re-sorting or scanning the ready list at every step is
// quadratic in the number of ready targets and measures 30x and more on the wide graph, where
// about half of the 40,000 targets are ready at every step.
const RATIO = 8;
const SLACK_MS = 40;
// The bound compares CPU times (process.cpuUsage); the kill timer runs on wall time. The child is
// killed when it runs past KILL_FACTOR times the bound in wall time (so the slow shipped planner
// fails fast on any machine), or past CAP_MS in all (a hung child).
const KILL_FACTOR = 4;
const CAP_MS = 180000;

function timedRun(size, shape, mode) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, String(size), shape, mode], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    let referenceMs;
    let killedAfter;
    const cap = setTimeout(() => child.kill("SIGKILL"), CAP_MS);
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (chunk) => {
      out += chunk;
      if (referenceMs === undefined && out.includes("\n")) {
        const first = JSON.parse(out.slice(0, out.indexOf("\n")));
        referenceMs = first.referenceMs;
        const limit = Math.max(KILL_FACTOR * (RATIO * first.referenceWallMs + SLACK_MS), 2000);
        setTimeout(() => {
          killedAfter = limit;
          child.kill("SIGKILL");
        }, limit).unref();
      }
    });
    child.stderr.on("data", (chunk) => {
      err += chunk;
    });
    child.on("error", reject);
    child.on("close", (status) => {
      clearTimeout(cap);
      if (killedAfter !== undefined) {
        reject(new assert.AssertionError({ message: `planner killed after ${killedAfter.toFixed(0)} ms (${KILL_FACTOR}x the bound; heap planner: ${referenceMs.toFixed(0)} ms)` }));
        return;
      }
      if (status !== 0) {
        reject(new assert.AssertionError({ message: `child exited with ${status}: ${err}` }));
        return;
      }
      const lines = out.trim().split("\n");
      resolve({ referenceMs, ...JSON.parse(lines[1]) });
    });
  });
}

function assertFast({ ms, referenceMs }, what) {
  const bound = RATIO * referenceMs + SLACK_MS;
  assert.ok(ms < bound, `${what} took ${ms.toFixed(0)} ms, bound ${bound.toFixed(0)} ms (${RATIO}x the heap planner's ${referenceMs.toFixed(0)} ms)`);
}

test("perf: planBuild of 24000 targets within the bound and in reference order", async () => {
  const run = await timedRun(24000, "random", "all");
  assert.deepEqual(run.result, run.expected);
  assertFast(run, "planBuild");
});

test("perf: planBuild with goals on 80000 targets within the bound", async () => {
  const run = await timedRun(80000, "random", "goals");
  assert.deepEqual(run.result, run.expected);
  assertFast(run, "planBuild(goals)");
});

test("perf: buildLevels of 24000 targets within the bound", async () => {
  const run = await timedRun(24000, "random", "levels");
  assert.equal(run.result.flat().length, 24000);
  assertFast(run, "buildLevels");
});

test("perf: planBuild of a wide graph of 40000 targets within the bound and in order", async () => {
  const run = await timedRun(40000, "wide", "all");
  assert.deepEqual(run.result, run.expected);
  assertFast(run, "planBuild (wide)");
});
