/**
 * The booking ledger: which vessel lies on which berth on which nights. A booking holds its
 * berth for the nights from arrival (included) to departure (excluded), so one vessel can leave
 * a berth on the morning another arrives.
 */

import { addDays, checkStay, compareDays, staysOverlap, toDayNumber } from "./days.ts";
import type { Day, Stay } from "./days.ts";
import type { Berth, BerthRegistry } from "./berths.ts";
import { fitsDimensions } from "./berths.ts";
import { BookingConflictError, NotFoundError, ValidationError } from "./errors.ts";
import { EventLog } from "./events.ts";
import type { Fleet } from "./vessels.ts";

export interface Booking extends Stay {
  readonly id: string;
  readonly vesselId: string;
  readonly berthId: string;
}

export interface BookingRequest extends Stay {
  readonly vesselId: string;
  readonly berthId: string;
}

export class BookingLedger {
  private readonly registry: BerthRegistry;
  private readonly fleet: Fleet;
  readonly log: EventLog;
  private readonly byId = new Map<string, Booking>();
  /** Each berth's bookings, sorted by arrival; they never overlap. */
  private readonly byBerth = new Map<string, Booking[]>();
  private nextNumber = 1;

  constructor(registry: BerthRegistry, fleet: Fleet, log: EventLog = new EventLog()) {
    this.registry = registry;
    this.fleet = fleet;
    this.log = log;
  }

  /** Book a berth; throws if the vessel does not fit or the berth is taken on any night. */
  book(request: BookingRequest): Booking {
    checkStay(request);
    const vessel = this.fleet.get(request.vesselId);
    const berth = this.registry.get(request.berthId);
    if (!fitsDimensions(vessel, berth)) {
      throw new ValidationError(
        "berthId",
        `${vessel.name} (${vessel.lengthM} m x ${vessel.beamM} m) does not fit berth ${berth.id}`,
      );
    }
    const clash = this.conflictFor(berth.id, request);
    if (clash !== undefined) {
      throw new BookingConflictError(
        berth.id,
        clash.id,
        `berth ${berth.id} is taken by ${clash.id} from ${clash.arrival} to ${clash.departure}`,
      );
    }
    const booking: Booking = {
      id: `BK-${String(this.nextNumber++).padStart(4, "0")}`,
      vesselId: vessel.id,
      berthId: berth.id,
      arrival: request.arrival,
      departure: request.departure,
    };
    this.insert(booking);
    this.log.append(
      { type: "booking.created", bookingId: booking.id, berthId: booking.berthId },
      booking.arrival,
    );
    return booking;
  }

  /** Move a booking to another berth for the same nights. */
  move(bookingId: string, toBerthId: string): Booking {
    const booking = this.get(bookingId);
    const berth = this.registry.get(toBerthId);
    const vessel = this.fleet.get(booking.vesselId);
    if (!fitsDimensions(vessel, berth)) {
      throw new ValidationError("berthId", `${vessel.name} does not fit berth ${berth.id}`);
    }
    const clash = this.conflictFor(berth.id, booking);
    if (clash !== undefined && clash.id !== booking.id) {
      throw new BookingConflictError(
        berth.id,
        clash.id,
        `berth ${berth.id} is taken by ${clash.id} from ${clash.arrival} to ${clash.departure}`,
      );
    }
    this.remove(booking);
    const moved: Booking = { ...booking, berthId: berth.id };
    this.insert(moved);
    this.log.append(
      { type: "booking.moved", bookingId: booking.id, from: booking.berthId, to: berth.id },
      booking.arrival,
    );
    return moved;
  }

  get(id: string): Booking {
    const b = this.byId.get(id);
    if (b === undefined) {
      throw new NotFoundError("booking", id);
    }
    return b;
  }

  list(): Booking[] {
    return [...this.byId.values()];
  }

  forBerth(berthId: string): readonly Booking[] {
    return this.byBerth.get(berthId) ?? [];
  }

  forVessel(vesselId: string): Booking[] {
    return this.list()
      .filter((b) => b.vesselId === vesselId)
      .sort((a, b) => compareDays(a.arrival, b.arrival));
  }

  /** The booking holding `berthId` on some night of `stay`, if any. */
  conflictFor(berthId: string, stay: Stay): Booking | undefined {
    const list = this.byBerth.get(berthId);
    if (list === undefined || list.length === 0) {
      return undefined;
    }
    // The first booking departing after the stay arrives is the only candidate: the list is
    // sorted by arrival and its stays do not overlap, so departures are sorted too.
    const arrival = toDayNumber(stay.arrival);
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (toDayNumber(list[mid]!.departure) <= arrival) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    const candidate = list[lo];
    return candidate !== undefined && staysOverlap(candidate, stay) ? candidate : undefined;
  }

  isFree(berthId: string, stay: Stay): boolean {
    return this.conflictFor(berthId, stay) === undefined;
  }

  /** Berths (in id order) with no booking on any night of the stay. */
  freeBerths(stay: Stay): Berth[] {
    checkStay(stay);
    return this.registry.list().filter((b) => this.isFree(b.id, stay));
  }

  /** Bookings that hold a berth on the night of `day`. */
  onNight(day: Day): Booking[] {
    const night = { arrival: day, departure: addDays(day, 1) };
    const out: Booking[] = [];
    for (const berth of this.registry.list()) {
      const b = this.conflictFor(berth.id, night);
      if (b !== undefined) {
        out.push(b);
      }
    }
    return out;
  }

  get size(): number {
    return this.byId.size;
  }

  private insert(booking: Booking): void {
    this.byId.set(booking.id, booking);
    const list = this.byBerth.get(booking.berthId) ?? [];
    const at = list.findIndex((b) => compareDays(b.arrival, booking.arrival) > 0);
    list.splice(at === -1 ? list.length : at, 0, booking);
    this.byBerth.set(booking.berthId, list);
  }

  private remove(booking: Booking): void {
    this.byId.delete(booking.id);
    const list = this.byBerth.get(booking.berthId) ?? [];
    this.byBerth.set(
      booking.berthId,
      list.filter((b) => b.id !== booking.id),
    );
  }
}
