/**
 * Finding a dependency cycle for error messages.
 */

export class CycleError extends Error {
  /** @param {string[]} cycle names along the cycle, first repeated at the end */
  constructor(cycle) {
    super(`dependency cycle: ${cycle.join(" -> ")}`);
    this.name = "CycleError";
    this.cycle = cycle;
  }
}

/**
 * Return one cycle among `names` (following dependencies), starting from the smallest name that is
 * on a cycle, or null if there is none.
 * @param {import("./graph.js").TargetGraph} graph
 * @param {Iterable<string>} names
 * @returns {string[] | null}
 */
export function findCycle(graph, names) {
  const inScope = new Set(names);
  const state = new Map(); // name -> "active" | "done"
  for (const start of [...inScope].sort()) {
    if (state.has(start)) {
      continue;
    }
    const path = [];
    const found = visit(start);
    if (found) {
      return found;
    }

    function visit(name) {
      state.set(name, "active");
      path.push(name);
      for (const dep of [...graph.depsOf(name)].sort()) {
        if (!inScope.has(dep)) {
          continue;
        }
        if (state.get(dep) === "active") {
          return [...path.slice(path.indexOf(dep)), dep];
        }
        if (!state.has(dep)) {
          const cycle = visit(dep);
          if (cycle) {
            return cycle;
          }
        }
      }
      path.pop();
      state.set(name, "done");
      return null;
    }
  }
  return null;
}
