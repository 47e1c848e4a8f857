export { summarize } from "./aggregate.js";
export { FORMATS, formatReport } from "./format.js";
export { formatCount, formatMoney, formatPercent } from "./numbers.js";
