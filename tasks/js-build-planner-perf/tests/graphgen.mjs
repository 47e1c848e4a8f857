// Deterministic pseudo-random DAGs and a reference planner for the hidden tests.

function lcg(seed) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state;
  };
}

/** Targets in declaration order: [name, deps], deps always declared earlier. */
export function makeGraphSpec(size, seed = 42) {
  const next = lcg(seed);
  const names = [];
  const targets = [];
  for (let i = 0; i < size; i += 1) {
    const name = `t${String((i * 7919) % 100003).padStart(6, "0")}`;
    const deps = new Set();
    if (i > 0) {
      const count = next() % 4;
      for (let k = 0; k < count; k += 1) {
        deps.add(names[next() % i]);
      }
    }
    names.push(name);
    targets.push([name, [...deps]]);
  }
  // The last few targets as goals: their closure is most of the graph.
  const goals = names.slice(-Math.max(1, Math.floor(size / 100)));
  return { targets, goals };
}

/** Kahn's algorithm with a sorted ready list: the expected order. */
export function referencePlan(targets, goals = []) {
  const depsOf = new Map(targets);
  let scope = [...depsOf.keys()];
  if (goals.length > 0) {
    const seen = new Set();
    const stack = [...goals];
    while (stack.length > 0) {
      const name = stack.pop();
      if (!seen.has(name)) {
        seen.add(name);
        stack.push(...depsOf.get(name));
      }
    }
    scope = [...seen];
  }
  const inScope = new Set(scope);
  const pending = new Map(scope.map((name) => [name, depsOf.get(name).length]));
  const dependents = new Map(scope.map((name) => [name, []]));
  for (const name of scope) {
    for (const dep of depsOf.get(name)) {
      if (inScope.has(dep)) {
        dependents.get(dep).push(name);
      }
    }
  }
  const ready = scope.filter((name) => pending.get(name) === 0).sort();
  const order = [];
  while (ready.length > 0) {
    const name = ready.shift();
    order.push(name);
    for (const child of dependents.get(name)) {
      pending.set(child, pending.get(child) - 1);
      if (pending.get(child) === 0) {
        // Binary insertion keeps `ready` sorted; fine for test-sized graphs.
        let lo = 0;
        let hi = ready.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (ready[mid] < child) lo = mid + 1;
          else hi = mid;
        }
        ready.splice(lo, 0, child);
      }
    }
  }
  return order;
}
