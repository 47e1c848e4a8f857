/**
 * stockroom: a dependency-free warehouse stock ledger.
 */
export { Catalog, Item, isValidSku, normalizeSku } from "./catalog.js";
export { addDays, dateRange, daysBetween, isoWeek, parseDate } from "./dates.js";
export { ParseError, StockError, StockroomError, ValidationError } from "./errors.js";
export { Emitter } from "./events.js";
export { importMovements, readHeader } from "./importer.js";
export { parseCsv, stringifyCsv } from "./csv.js";
export { Ledger, MOVEMENT_TYPES } from "./ledger.js";
export { compareLocations, matchLocation, normalizeLocation, parseLocation, pickRoute, RECEIVING } from "./locations.js";
export { allocate, formatCents, roundHalfEven, toCents } from "./money.js";
export { compileQuery, evaluate, filterRows, parseQuery, tokenize } from "./query.js";
export { averageDailyUsage, roundUpToPack, suggestReorders } from "./reorder.js";
export { getFormat, listFormats, movementRows, registerFormat, render, stockRows, valueRows } from "./report.js";
export { BASE_UNITS, PackTable, parseQuantity } from "./units.js";
export { AverageCost, FifoLayers, totalCogs, totalValue, valuate } from "./valuation.js";
export { dumpWorkspace, loadWorkspace, parseWorkspace } from "./workspace.js";
export { parseArgs, runCli } from "./cli.js";
