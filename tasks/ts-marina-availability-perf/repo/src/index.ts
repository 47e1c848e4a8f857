/** The marina library's public surface. */

export * from "./errors.ts";
export * from "./days.ts";
export * from "./money.ts";
export * from "./vessels.ts";
export * from "./berths.ts";
export * from "./tides.ts";
export * from "./events.ts";
export * from "./bookings.ts";
export * from "./allocator.ts";
export * from "./rates.ts";
export * from "./invoice.ts";
export * from "./csv.ts";
export * from "./occupancy.ts";
export * from "./members.ts";
export * from "./waitlist.ts";
export * from "./report.ts";
export * from "./harbour.ts";
export * from "./passage.ts";
