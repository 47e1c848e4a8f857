export { parseBuildfile } from "./buildfile.js";
export { CycleError, findCycle } from "./cycles.js";
export { GraphError, TargetGraph } from "./graph.js";
export { buildLevels, collectNeeded, planBuild } from "./planner.js";
