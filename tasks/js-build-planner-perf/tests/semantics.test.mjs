import { test } from "node:test";
import assert from "node:assert/strict";
import { buildLevels, collectNeeded, CycleError, GraphError, parseBuildfile, planBuild, TargetGraph } from "/repo/src/index.js";
import { makeGraphSpec, referencePlan } from "./graphgen.mjs";

function graphOf(spec) {
  const graph = new TargetGraph();
  for (const [name, deps] of spec.targets) {
    graph.addTarget(name, deps);
  }
  return graph;
}

test("plan: small random graphs match the reference order", () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const spec = makeGraphSpec(300, seed);
    assert.deepEqual(planBuild(graphOf(spec)), referencePlan(spec.targets));
    assert.deepEqual(planBuild(graphOf(spec), spec.goals), referencePlan(spec.targets, spec.goals));
  }
});

test("plan: ties broken by plain string comparison", () => {
  const graph = parseBuildfile("Zeta:\nalpha:\nBeta: alpha\nb10:\nb9:\n");
  assert.deepEqual(planBuild(graph), ["Zeta", "alpha", "Beta", "b10", "b9"]);
});

test("plan: goals restrict the plan and unknown goals fail", () => {
  const graph = parseBuildfile("app: ui net\nui: core\nnet: core\ncore:\ndocs:\n");
  assert.deepEqual(planBuild(graph, ["ui", "net"]), ["core", "net", "ui"]);
  assert.deepEqual(new Set(collectNeeded(graph, ["app"])), new Set(["app", "ui", "net", "core"]));
  assert.throws(() => planBuild(graph, ["nope"]), GraphError);
});

test("plan: cycle error keeps its message", () => {
  const graph = parseBuildfile("a: b\nb: c\nc: a\nd:\ne: d\n");
  assert.throws(() => planBuild(graph), (err) => err instanceof CycleError && err.message === "dependency cycle: a -> b -> c -> a");
  assert.deepEqual(planBuild(graph, ["e"]), ["d", "e"]);
  const other = parseBuildfile("x: y\ny: x\nz: x\n");
  assert.throws(() => planBuild(other, ["z"]), { message: "dependency cycle: x -> y -> x" });
});

test("plan: levels group targets into sorted waves", () => {
  const graph = parseBuildfile("app: ui net\nui: core\nnet: core\ncore:\ndocs:\n");
  assert.deepEqual(buildLevels(graph), [["core", "docs"], ["net", "ui"], ["app"]]);
});
