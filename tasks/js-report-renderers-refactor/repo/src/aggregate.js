/**
 * Grouping sales records into a report structure.
 */

const GROUP_KEYS = new Set(["region", "product", "month"]);

function groupKey(record, by) {
  if (by === "month") {
    return record.date.slice(0, 7);
  }
  return record[by];
}

/**
 * @param {{date: string, region: string, product: string, units: number, unitPrice: number}[]} records
 * @param {{by?: "region"|"product"|"month", title?: string}} [options]
 * @returns {{title: string, groupBy: string, rows: {key: string, units: number, revenue: number, share: number}[], totals: {units: number, revenue: number}}}
 */
export function summarize(records, options = {}) {
  const by = options.by ?? "region";
  if (!GROUP_KEYS.has(by)) {
    throw new RangeError(`cannot group by ${JSON.stringify(by)}`);
  }
  const groups = new Map();
  let totalUnits = 0;
  let totalRevenue = 0;
  for (const record of records) {
    const key = groupKey(record, by);
    const revenue = record.units * record.unitPrice;
    const group = groups.get(key) ?? { key, units: 0, revenue: 0 };
    group.units += record.units;
    group.revenue += revenue;
    groups.set(key, group);
    totalUnits += record.units;
    totalRevenue += revenue;
  }
  const rows = [...groups.values()]
    .map((group) => ({ ...group, share: totalRevenue === 0 ? 0 : group.revenue / totalRevenue }))
    .sort((a, b) => b.revenue - a.revenue || a.key.localeCompare(b.key));
  return {
    title: options.title ?? `Sales by ${by}`,
    groupBy: by,
    rows,
    totals: { units: totalUnits, revenue: totalRevenue },
  };
}
