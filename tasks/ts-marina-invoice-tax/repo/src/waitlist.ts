/**
 * The waiting list for seasonal berths. Entries are offered in this order: full members before
 * associates before visitors, then the earliest request, then the entry id. A berth is offered
 * to the first entry whose vessel fits it; an entry that was offered a berth leaves the list.
 */

import type { Berth } from "./berths.ts";
import { fitsDimensions } from "./berths.ts";
import { compareDays } from "./days.ts";
import type { Day } from "./days.ts";
import { NotFoundError, ValidationError } from "./errors.ts";
import type { EventLog } from "./events.ts";
import type { MemberDirectory } from "./members.ts";
import { tierRank } from "./members.ts";
import type { Fleet } from "./vessels.ts";

export interface WaitlistEntry {
  readonly id: string;
  readonly memberId: string;
  readonly vesselId: string;
  readonly requested: Day;
  /** Only berths on these pontoons are offered; empty means any. */
  readonly pontoons: readonly string[];
}

export interface Offer {
  readonly entry: WaitlistEntry;
  readonly berth: Berth;
}

export class Waitlist {
  private readonly entries: WaitlistEntry[] = [];
  private readonly members: MemberDirectory;
  private readonly fleet: Fleet;
  private readonly log: EventLog | null;
  private nextNumber = 1;

  constructor(members: MemberDirectory, fleet: Fleet, log: EventLog | null = null) {
    this.members = members;
    this.fleet = fleet;
    this.log = log;
  }

  add(memberId: string, vesselId: string, requested: Day, pontoons: readonly string[] = []): WaitlistEntry {
    this.members.get(memberId);
    const vessel = this.fleet.get(vesselId);
    if (!vessel.owners.includes(memberId)) {
      throw new ValidationError("vesselId", `member ${memberId} does not own ${vesselId}`);
    }
    if (this.entries.some((e) => e.vesselId === vesselId)) {
      throw new ValidationError("vesselId", `${vesselId} is already on the waiting list`);
    }
    const entry: WaitlistEntry = {
      id: `WL-${String(this.nextNumber++).padStart(3, "0")}`,
      memberId,
      vesselId,
      requested,
      pontoons: [...pontoons],
    };
    this.entries.push(entry);
    this.log?.append({ type: "waitlist.added", entryId: entry.id, vesselId }, requested);
    return entry;
  }

  remove(entryId: string): WaitlistEntry {
    const at = this.entries.findIndex((e) => e.id === entryId);
    if (at === -1) {
      throw new NotFoundError("waitlist entry", entryId);
    }
    return this.entries.splice(at, 1)[0]!;
  }

  /** The entries in offer order. */
  ordered(): WaitlistEntry[] {
    const rank = (e: WaitlistEntry): number => tierRank(this.members.get(e.memberId).tier);
    return [...this.entries].sort(
      (a, b) =>
        rank(a) - rank(b) ||
        compareDays(a.requested, b.requested) ||
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
  }

  /** Position (1-based) of an entry in offer order. */
  position(entryId: string): number {
    const at = this.ordered().findIndex((e) => e.id === entryId);
    if (at === -1) {
      throw new NotFoundError("waitlist entry", entryId);
    }
    return at + 1;
  }

  /** Offer `berth` to the first entry that fits it, and take that entry off the list. */
  offer(berth: Berth, day: Day): Offer | null {
    for (const entry of this.ordered()) {
      if (entry.pontoons.length > 0 && !entry.pontoons.includes(berth.pontoon)) {
        continue;
      }
      if (fitsDimensions(this.fleet.get(entry.vesselId), berth)) {
        this.remove(entry.id);
        this.log?.append({ type: "waitlist.offered", entryId: entry.id, berthId: berth.id }, day);
        return { entry, berth };
      }
    }
    return null;
  }

  get size(): number {
    return this.entries.length;
  }
}
