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

/**
 * A wide graph: `size / 2` independent source targets, each with exactly one dependent, names
 * scattered so that planning keeps about `size / 2` targets ready at every step.
 */
export function makeWideSpec(size, seed = 7) {
  const next = lcg(seed);
  const half = Math.floor(size / 2);
  const used = new Set();
  const names = [];
  while (names.length < 2 * half) {
    const name = `w${String(next() % 100000000).padStart(8, "0")}`;
    if (!used.has(name)) {
      used.add(name);
      names.push(name);
    }
  }
  const targets = [];
  for (let i = 0; i < half; i += 1) {
    targets.push([names[i], []]);
  }
  for (let i = 0; i < half; i += 1) {
    targets.push([names[half + i], [names[next() % half]]]);
  }
  return { targets, goals: names.slice(-Math.max(1, Math.floor(size / 100))) };
}

/** A binary min-heap of strings, for the timing baseline and big expected orders. */
class Heap {
  constructor() {
    this.a = [];
  }
  push(v) {
    const a = this.a;
    a.push(v);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p] <= v) break;
      a[i] = a[p];
      i = p;
    }
    a[i] = v;
  }
  pop() {
    const a = this.a;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const c = l + 1 < a.length && a[l + 1] < a[l] ? l + 1 : l;
        if (a[c] >= last) break;
        a[i] = a[c];
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}

/**
 * The expected order for any size: Kahn's algorithm over `graph` (a TargetGraph of the code
 * under test, read only through has/depsOf/targets) with a heap, O((V + E) log V). Its run time
 * on the same machine, in the same process, is the yardstick of the performance tests.
 */
export function heapPlan(graph, goals = []) {
  let scope = graph.targets();
  if (goals.length > 0) {
    const seen = new Set();
    const stack = [...goals];
    while (stack.length > 0) {
      const name = stack.pop();
      if (!seen.has(name)) {
        seen.add(name);
        for (const dep of graph.depsOf(name)) stack.push(dep);
      }
    }
    scope = [...seen];
  }
  const inScope = new Set(scope);
  const pending = new Map();
  const dependents = new Map();
  for (const name of scope) dependents.set(name, []);
  const ready = new Heap();
  for (const name of scope) {
    let count = 0;
    for (const dep of graph.depsOf(name)) {
      if (inScope.has(dep)) {
        count += 1;
        dependents.get(dep).push(name);
      }
    }
    pending.set(name, count);
    if (count === 0) ready.push(name);
  }
  const order = [];
  while (ready.a.length > 0) {
    const name = ready.pop();
    order.push(name);
    for (const child of dependents.get(name)) {
      const left = pending.get(child) - 1;
      pending.set(child, left);
      if (left === 0) ready.push(child);
    }
  }
  return order;
}
