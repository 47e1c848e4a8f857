export const RECORDS = [
  { date: "2024-01-03", region: "north", product: "mug", units: 10, unitPrice: 4.5 },
  { date: "2024-01-17", region: "south", product: "plate", units: 3, unitPrice: 12 },
  { date: "2024-02-02", region: "north", product: "plate", units: 1200, unitPrice: 11.25 },
  { date: "2024-02-09", region: "east", product: "mug", units: 7, unitPrice: 4.75 },
];
