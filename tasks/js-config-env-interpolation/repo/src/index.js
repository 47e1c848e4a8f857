export { coerce } from "./coerce.js";
export { ConfigError, SyntaxProblem } from "./errors.js";
export { loadConfig } from "./loader.js";
export { mergeLayers } from "./merge.js";
export { parseIni, parseValue } from "./parser.js";
export { defineSchema, schemaDefaults, TYPES } from "./schema.js";
