/**
 * Club members. Members invoice berths, join the waiting list, and the club's tiers decide who
 * is offered a berth first.
 */

import { NotFoundError, ValidationError } from "./errors.ts";
import type { Day } from "./days.ts";
import { dayParts } from "./days.ts";

export const TIERS = ["full", "associate", "visitor"] as const;
export type Tier = (typeof TIERS)[number];

export interface Member {
  readonly id: string;
  readonly name: string;
  readonly tier: Tier;
  readonly joined: Day;
  readonly email: string;
}

const MEMBER_ID = /^M\d{3,6}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

export function parseMember(record: Record<string, unknown>): Member {
  const id = record["id"];
  if (typeof id !== "string" || !MEMBER_ID.test(id)) {
    throw new ValidationError("id", `a member id is M and 3 to 6 digits: ${String(id)}`);
  }
  const name = record["name"];
  if (typeof name !== "string" || name.trim() === "") {
    throw new ValidationError("name", `member ${id} needs a name`);
  }
  const tier = record["tier"] ?? "visitor";
  if (typeof tier !== "string" || !(TIERS as readonly string[]).includes(tier)) {
    throw new ValidationError("tier", `tier must be one of ${TIERS.join(", ")}`);
  }
  const joined = record["joined"];
  if (typeof joined !== "string") {
    throw new ValidationError("joined", `member ${id} needs a joining day`);
  }
  dayParts(joined);
  const email = record["email"];
  if (typeof email !== "string" || !EMAIL.test(email)) {
    throw new ValidationError("email", `member ${id} needs an e-mail address`);
  }
  return { id, name: name.trim(), tier: tier as Tier, joined, email: email.toLowerCase() };
}

/** Tier order for offers: full members first. */
export function tierRank(tier: Tier): number {
  return TIERS.indexOf(tier);
}

export class MemberDirectory {
  private readonly byId = new Map<string, Member>();

  constructor(members: Iterable<Member> = []) {
    for (const m of members) {
      this.add(m);
    }
  }

  add(member: Member): void {
    if (this.byId.has(member.id)) {
      throw new ValidationError("id", `member ${member.id} already exists`);
    }
    for (const other of this.byId.values()) {
      if (other.email === member.email) {
        throw new ValidationError("email", `${member.email} belongs to member ${other.id}`);
      }
    }
    this.byId.set(member.id, member);
  }

  get(id: string): Member {
    const m = this.byId.get(id);
    if (m === undefined) {
      throw new NotFoundError("member", id);
    }
    return m;
  }

  list(): Member[] {
    return [...this.byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  ofTier(tier: Tier): Member[] {
    return this.list().filter((m) => m.tier === tier);
  }
}
