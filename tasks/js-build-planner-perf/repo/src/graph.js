/**
 * The target graph: each target has a list of dependencies (targets that must be built first).
 */

export class GraphError extends Error {
  constructor(message) {
    super(message);
    this.name = "GraphError";
  }
}

export class TargetGraph {
  constructor() {
    /** @type {Map<string, string[]>} */
    this.deps = new Map();
  }

  /**
   * Declare a target (again): later declarations add dependencies.
   * @param {string} name
   * @param {string[]} [deps]
   */
  addTarget(name, deps = []) {
    if (typeof name !== "string" || name === "") {
      throw new GraphError("target name must be a non-empty string");
    }
    const list = this.deps.get(name) ?? [];
    for (const dep of deps) {
      if (dep === name) {
        throw new GraphError(`target ${name} depends on itself`);
      }
      if (!list.includes(dep)) {
        list.push(dep);
      }
    }
    this.deps.set(name, list);
    return this;
  }

  has(name) {
    return this.deps.has(name);
  }

  /** @returns {string[]} */
  depsOf(name) {
    const list = this.deps.get(name);
    if (list === undefined) {
      throw new GraphError(`unknown target ${name}`);
    }
    return list;
  }

  targets() {
    return [...this.deps.keys()];
  }

  get size() {
    return this.deps.size;
  }

  /** Throw if a dependency names a target that was never declared. */
  checkComplete() {
    for (const [name, deps] of this.deps) {
      for (const dep of deps) {
        if (!this.deps.has(dep)) {
          throw new GraphError(`target ${name} depends on undeclared target ${dep}`);
        }
      }
    }
  }
}
