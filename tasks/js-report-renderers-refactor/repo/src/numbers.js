/**
 * Number formatting shared by all report formats.
 */

/**
 * 1234567.891 -> "1,234,567.89"
 * @param {number} value
 */
export function formatMoney(value) {
  const negative = value < 0;
  const cents = Math.round(Math.abs(value) * 100);
  const whole = Math.floor(cents / 100).toString();
  const fraction = (cents % 100).toString().padStart(2, "0");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${negative ? "-" : ""}${grouped}.${fraction}`;
}

/**
 * 0.12345 -> "12.3%"
 * @param {number} ratio
 */
export function formatPercent(ratio) {
  return `${(Math.round(ratio * 1000) / 10).toFixed(1)}%`;
}

/** Integer with thousands separators. */
export function formatCount(value) {
  return Math.round(value).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}
