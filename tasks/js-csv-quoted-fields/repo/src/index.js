export { DIALECTS, DialectError, resolveDialect } from "./dialect.js";
export { ParseError, parse } from "./parser.js";
export { quoteField, stringify } from "./writer.js";
export { fromRecords, parseRecords, stringifyRecords, toRecords } from "./records.js";
