// Run in a child process by perf.test.mjs so a slow planner can be killed by a timeout.
// Times the code under test against heapPlan (an O((V + E) log V) Kahn's algorithm) on the same
// graph in the same process, so the verdict is a ratio that does not depend on the machine.
import { performance } from "node:perf_hooks";
import { heapPlan, makeGraphSpec, makeWideSpec } from "./graphgen.mjs";

const [size, shape, mode] = process.argv.slice(2);
const { TargetGraph, planBuild, buildLevels } = await import("/repo/src/index.js");
const spec = (shape === "wide" ? makeWideSpec : makeGraphSpec)(Number(size));
const graph = new TargetGraph();
for (const [name, deps] of spec.targets) {
  graph.addTarget(name, deps);
}
const goals = mode === "goals" ? spec.goals : [];
const run = () => (mode === "levels" ? buildLevels(graph) : planBuild(graph, goals));
// CPU time of this process (user + system), not wall time: the checks share a busy machine.
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const best = (fn) => {
  // Best of two: the second run is JIT-warm, which keeps the numbers stable.
  let ms = Infinity;
  let wallMs = Infinity;
  let value;
  for (let i = 0; i < 2; i += 1) {
    const start = cpuMs();
    const wallStart = performance.now();
    value = fn();
    ms = Math.min(ms, cpuMs() - start);
    wallMs = Math.min(wallMs, performance.now() - wallStart);
  }
  return { ms, wallMs, value };
};
const yardstick = best(() => heapPlan(graph, goals));
// The parent arms its kill timer from this first line: a relative timeout, too.
process.stdout.write(`${JSON.stringify({ referenceMs: yardstick.ms, referenceWallMs: yardstick.wallMs })}\n`);
const measured = best(run);
process.stdout.write(`${JSON.stringify({ ms: measured.ms, result: measured.value, expected: yardstick.value })}\n`);
