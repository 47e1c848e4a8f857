export const RECORDS = [
  { date: "2024-01-03", region: "north", product: "mug", units: 10, unitPrice: 4.5 },
  { date: "2024-01-17", region: "south", product: "plate", units: 3, unitPrice: 12 },
  { date: "2024-02-02", region: "north", product: "plate", units: 1200, unitPrice: 11.25 },
  { date: "2024-02-09", region: "east", product: "mug", units: 7, unitPrice: 4.75 },
  { date: "2024-03-11", region: "west|coast", product: "tea_pot", units: 2, unitPrice: 1999.99 },
  { date: "2024-03-12", region: "south", product: "mug, large", units: 40, unitPrice: 6.1 },
  { date: "2024-03-30", region: "east", product: 'the "classic"', units: 0, unitPrice: 3 },
];

export const CASES = [];
for (const by of ["region", "product", "month"]) {
  for (const format of ["table", "markdown", "csv", "json"]) {
    for (const showTotals of [true, false, undefined]) {
      CASES.push({ by, format, showTotals });
    }
  }
}
