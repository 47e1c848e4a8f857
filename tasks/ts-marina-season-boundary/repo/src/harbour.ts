/**
 * The harbour: one object wiring the registry, fleet, members, ledger, tide table and waiting
 * list together, with the front desk's everyday operations. The other modules can be used on
 * their own; this is the convenient way in.
 */

import { BerthRegistry } from "./berths.ts";
import type { Berth } from "./berths.ts";
import { Allocator } from "./allocator.ts";
import { BookingLedger } from "./bookings.ts";
import type { Booking } from "./bookings.ts";
import type { Day, Stay } from "./days.ts";
import { EventLog, describeEvent } from "./events.ts";
import { invoiceFromQuote } from "./invoice.ts";
import type { Invoice } from "./invoice.ts";
import { MemberDirectory } from "./members.ts";
import { quoteStay } from "./rates.ts";
import type { Quote, QuoteOptions, RateCard } from "./rates.ts";
import { renderTable, truncate } from "./report.ts";
import { TideTable } from "./tides.ts";
import type { TideEvent } from "./tides.ts";
import { Fleet } from "./vessels.ts";
import { Waitlist } from "./waitlist.ts";

export interface HarbourSetup {
  readonly berths: readonly Berth[];
  readonly tides: readonly TideEvent[];
  readonly card: RateCard;
  readonly taxBp: number;
}

export class Harbour {
  readonly log = new EventLog();
  readonly registry: BerthRegistry;
  readonly fleet = new Fleet();
  readonly members = new MemberDirectory();
  readonly ledger: BookingLedger;
  readonly tides: TideTable;
  readonly allocator: Allocator;
  readonly waitlist: Waitlist;
  readonly card: RateCard;
  private readonly taxBp: number;
  private readonly invoices: Invoice[] = [];

  constructor(setup: HarbourSetup) {
    this.registry = new BerthRegistry(setup.berths);
    this.tides = new TideTable(setup.tides);
    this.ledger = new BookingLedger(this.registry, this.fleet, this.log);
    this.allocator = new Allocator(this.registry, this.ledger, this.tides);
    this.waitlist = new Waitlist(this.members, this.fleet, this.log);
    this.card = setup.card;
    this.taxBp = setup.taxBp;
  }

  quote(vesselId: string, stay: Stay, options: QuoteOptions = {}): Quote {
    return quoteStay(this.card, this.fleet.get(vesselId), stay, options);
  }

  /** Find a berth, book it and invoice the vessel's first owner; null when no berth is free. */
  checkIn(vesselId: string, stay: Stay, issued: Day, options: QuoteOptions = {}): Invoice | null {
    const vessel = this.fleet.get(vesselId);
    const booking = this.allocator.allocate(vessel, stay);
    if (booking === null) {
      return null;
    }
    return this.invoice(booking, issued, options);
  }

  invoice(booking: Booking, issued: Day, options: QuoteOptions = {}): Invoice {
    const vessel = this.fleet.get(booking.vesselId);
    const invoice = invoiceFromQuote(quoteStay(this.card, vessel, booking, options), {
      id: `INV-${String(this.invoices.length + 1).padStart(5, "0")}`,
      bookingId: booking.id,
      memberId: vessel.owners[0] ?? "",
      issued,
      taxBp: this.taxBp,
    });
    this.invoices.push(invoice);
    this.log.append({ type: "invoice.issued", invoiceId: invoice.id, bookingId: booking.id }, issued);
    return invoice;
  }

  issuedInvoices(): readonly Invoice[] {
    return this.invoices;
  }

  /** Tonight's berths: berth, vessel and departure, for the night watch. */
  nightSheet(night: Day): string {
    const rows = this.ledger
      .onNight(night)
      .map((b) => [b.berthId, truncate(this.fleet.get(b.vesselId).name, 24), b.departure]);
    return renderTable([{ title: "Berth" }, { title: "Vessel" }, { title: "Leaves" }], rows);
  }

  /** The log as the harbour master's e-mail reads it. */
  digest(sinceSeq = 0): string {
    return this.log
      .since(sinceSeq)
      .map((e) => `${e.day ?? "-"}  ${describeEvent(e.event)}`)
      .join("\n");
  }
}
