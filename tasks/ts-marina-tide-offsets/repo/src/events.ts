/**
 * The harbour log: an append-only list of what happened, in order. Reports and the nightly
 * e-mail to the harbour master read it; nothing in the library decides anything from it.
 */

import type { Day } from "./days.ts";

export type MarinaEvent =
  | { readonly type: "booking.created"; readonly bookingId: string; readonly berthId: string }
  | {
      readonly type: "booking.moved";
      readonly bookingId: string;
      readonly from: string;
      readonly to: string;
    }
  | { readonly type: "invoice.issued"; readonly invoiceId: string; readonly bookingId: string }
  | { readonly type: "waitlist.added"; readonly entryId: string; readonly vesselId: string }
  | { readonly type: "waitlist.offered"; readonly entryId: string; readonly berthId: string };

export type EventType = MarinaEvent["type"];

export interface LoggedEvent {
  readonly seq: number;
  readonly day: Day | null;
  readonly event: MarinaEvent;
}

export class EventLog {
  private readonly entries: LoggedEvent[] = [];

  append(event: MarinaEvent, day: Day | null = null): LoggedEvent {
    const logged = { seq: this.entries.length + 1, day, event };
    this.entries.push(logged);
    return logged;
  }

  all(): readonly LoggedEvent[] {
    return this.entries;
  }

  ofType<T extends EventType>(type: T): Array<Extract<MarinaEvent, { type: T }>> {
    return this.entries
      .map((e) => e.event)
      .filter((e): e is Extract<MarinaEvent, { type: T }> => e.type === type);
  }

  /** Entries after sequence number `seq`: what a reader that saw up to `seq` has not seen. */
  since(seq: number): LoggedEvent[] {
    return this.entries.filter((e) => e.seq > seq);
  }

  get length(): number {
    return this.entries.length;
  }
}

/** One line per event, for the harbour master's e-mail. */
export function describeEvent(event: MarinaEvent): string {
  switch (event.type) {
    case "booking.created":
      return `booking ${event.bookingId} on ${event.berthId}`;
    case "booking.moved":
      return `booking ${event.bookingId} moved from ${event.from} to ${event.to}`;
    case "invoice.issued":
      return `invoice ${event.invoiceId} for booking ${event.bookingId}`;
    case "waitlist.added":
      return `vessel ${event.vesselId} on the waiting list (${event.entryId})`;
    case "waitlist.offered":
      return `waiting list ${event.entryId} offered ${event.berthId}`;
  }
}
