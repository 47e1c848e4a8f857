/**
 * Build planning: which targets to build, and in which order.
 */
import { CycleError, findCycle } from "./cycles.js";
import { GraphError } from "./graph.js";

/**
 * Targets needed to build `goals` (the goals and everything they depend on, transitively).
 * @param {import("./graph.js").TargetGraph} graph
 * @param {string[]} goals
 * @returns {string[]}
 */
export function collectNeeded(graph, goals) {
  const needed = [];
  const stack = [...goals];
  while (stack.length > 0) {
    const name = stack.pop();
    if (!graph.has(name)) {
      throw new GraphError(`unknown target ${name}`);
    }
    if (needed.includes(name)) {
      continue;
    }
    needed.push(name);
    stack.push(...graph.depsOf(name));
  }
  return needed;
}

/**
 * Order in which to build the targets needed for `goals` (all targets if goals is empty).
 * Dependencies always come before their dependents; among the targets that are ready, the
 * smallest name (string comparison) comes first.
 * @param {import("./graph.js").TargetGraph} graph
 * @param {string[]} [goals]
 * @returns {string[]}
 */
export function planBuild(graph, goals = []) {
  const needed = goals.length === 0 ? graph.targets() : collectNeeded(graph, goals);
  const order = [];
  const remaining = [...needed];
  while (remaining.length > 0) {
    const ready = remaining.filter((name) => graph.depsOf(name).every((dep) => order.includes(dep)));
    if (ready.length === 0) {
      throw new CycleError(findCycle(graph, remaining));
    }
    ready.sort();
    const next = ready[0];
    order.push(next);
    remaining.splice(remaining.indexOf(next), 1);
  }
  return order;
}

/**
 * Group the planned targets into waves: every target's dependencies are in earlier waves, and each
 * target is in the earliest wave possible. Names inside a wave are sorted.
 * @param {import("./graph.js").TargetGraph} graph
 * @param {string[]} [goals]
 * @returns {string[][]}
 */
export function buildLevels(graph, goals = []) {
  const order = planBuild(graph, goals);
  const level = new Map();
  for (const name of order) {
    const depLevels = graph.depsOf(name).map((dep) => level.get(dep));
    level.set(name, depLevels.length === 0 ? 0 : Math.max(...depLevels) + 1);
  }
  const waves = [];
  for (const name of order) {
    const index = level.get(name);
    (waves[index] ??= []).push(name);
  }
  return waves.map((wave) => wave.sort());
}
