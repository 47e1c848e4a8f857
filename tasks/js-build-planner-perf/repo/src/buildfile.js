/**
 * Buildfile syntax: one "target: dep dep ..." per line; # starts a comment; blank lines ignored.
 */
import { GraphError, TargetGraph } from "./graph.js";

const NAME = /^[A-Za-z0-9_.\/-]+$/;

/**
 * @param {string} text
 * @returns {TargetGraph}
 */
export function parseBuildfile(text) {
  const graph = new TargetGraph();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/#.*$/, "").trim();
    if (line === "") {
      return;
    }
    const colon = line.indexOf(":");
    if (colon === -1) {
      throw new GraphError(`line ${index + 1}: expected "target: deps..."`);
    }
    const name = line.slice(0, colon).trim();
    const deps = line.slice(colon + 1).split(/\s+/).filter(Boolean);
    for (const item of [name, ...deps]) {
      if (!NAME.test(item)) {
        throw new GraphError(`line ${index + 1}: invalid target name ${JSON.stringify(item)}`);
      }
    }
    graph.addTarget(name, deps);
  });
  graph.checkComplete();
  return graph;
}
