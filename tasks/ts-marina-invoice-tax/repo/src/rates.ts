/**
 * Rate cards and quotes. A berth is charged per metre of charged length (see
 * vessels.chargedLengthM) per night, at the rate of the season the night falls in. Seasons are
 * written as `MM-DD` ranges, both ends included; a range whose start is after its end wraps
 * over the new year (`11-01` to `03-31` is the winter).
 */

import { eachNight, monthDay } from "./days.ts";
import type { Day, Stay } from "./days.ts";
import { checkStay } from "./days.ts";
import { ValidationError } from "./errors.ts";
import { add, money, multiply, percent, sum } from "./money.ts";
import type { Money } from "./money.ts";
import type { Vessel } from "./vessels.ts";
import { chargedLengthM } from "./vessels.ts";

export interface Season {
  readonly name: string;
  readonly from: string;
  readonly to: string;
  /** Minor units per metre per night. */
  readonly perMetreNight: number;
}

export interface RateCard {
  readonly currency: string;
  readonly seasons: readonly Season[];
  /** Multihulls pay this factor on the berth charge (1.5 = half as much again). */
  readonly multihullFactor: number;
  /** Minor units per night for a berth with shore power in use. */
  readonly shorePowerPerNight: number;
  /** Basis points off the berth charge for stays of `weeklyNights` nights or more. */
  readonly weeklyDiscountBp: number;
  readonly weeklyNights: number;
}

export interface QuoteLine {
  readonly description: string;
  readonly amount: Money;
}

export interface Quote {
  readonly vesselId: string;
  readonly nights: number;
  readonly lines: readonly QuoteLine[];
  readonly total: Money;
}

const MONTH_DAY = /^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export function checkRateCard(card: RateCard): RateCard {
  if (card.seasons.length === 0) {
    throw new ValidationError("seasons", "a rate card needs at least one season");
  }
  for (const s of card.seasons) {
    if (!MONTH_DAY.test(s.from) || !MONTH_DAY.test(s.to)) {
      throw new ValidationError("seasons", `season ${s.name}: from and to are MM-DD`);
    }
    if (!Number.isSafeInteger(s.perMetreNight) || s.perMetreNight < 0) {
      throw new ValidationError("seasons", `season ${s.name}: a rate is whole minor units`);
    }
  }
  if (!(card.multihullFactor >= 1)) {
    throw new ValidationError("multihullFactor", "the multihull factor is at least 1");
  }
  return card;
}

function inSeason(season: Season, md: string): boolean {
  if (season.from <= season.to) {
    return md >= season.from && md <= season.to;
  }
  return md >= season.from || md <= season.to;
}

/** The season a night falls in: the first listed season whose range holds it. */
export function seasonFor(card: RateCard, night: Day): Season {
  const md = monthDay(night);
  const season = card.seasons.find((s) => inSeason(s, md));
  if (season === undefined) {
    throw new ValidationError("seasons", `no season of the rate card covers ${night}`);
  }
  return season;
}

/** Runs of consecutive nights in the same season, in order. */
export function seasonRuns(card: RateCard, stay: Stay): Array<{ season: Season; nights: Day[] }> {
  const runs: Array<{ season: Season; nights: Day[] }> = [];
  for (const night of eachNight(stay.arrival, stay.departure)) {
    const season = seasonFor(card, night);
    const last = runs[runs.length - 1];
    if (last !== undefined && last.season === season) {
      last.nights.push(night);
    } else {
      runs.push({ season, nights: [night] });
    }
  }
  return runs;
}

export interface QuoteOptions {
  readonly shorePower?: boolean;
}

/** What a stay costs: one line per season run, then shore power, then the weekly discount. */
export function quoteStay(
  card: RateCard,
  vessel: Vessel,
  stay: Stay,
  options: QuoteOptions = {},
): Quote {
  checkRateCard(card);
  const nights = checkStay(stay);
  const length = chargedLengthM(vessel);
  const factor = vessel.kind === "multihull" ? card.multihullFactor : 1;
  const lines: QuoteLine[] = [];
  for (const run of seasonRuns(card, stay)) {
    const perNight = money(run.season.perMetreNight, card.currency);
    const amount = multiply(perNight, length * run.nights.length * factor);
    const n = run.nights.length;
    lines.push({
      description: `${run.season.name}: ${n} night${n === 1 ? "" : "s"} x ${length} m`,
      amount,
    });
  }
  const berthCharge = sum(
    lines.map((l) => l.amount),
    card.currency,
  );
  if (options.shorePower === true) {
    lines.push({
      description: `Shore power: ${nights} night${nights === 1 ? "" : "s"}`,
      amount: multiply(money(card.shorePowerPerNight, card.currency), nights),
    });
  }
  if (nights >= card.weeklyNights && card.weeklyDiscountBp > 0) {
    const off = percent(berthCharge, card.weeklyDiscountBp);
    lines.push({ description: "Weekly discount", amount: money(-off.minor, card.currency) });
  }
  let total = money(0, card.currency);
  for (const line of lines) {
    total = add(total, line.amount);
  }
  return { vesselId: vessel.id, nights, lines, total };
}

/** The sample card the front desk starts from. */
export const STANDARD_CARD: RateCard = {
  currency: "EUR",
  seasons: [
    { name: "Summer", from: "06-01", to: "08-31", perMetreNight: 420 },
    { name: "Shoulder", from: "04-01", to: "10-31", perMetreNight: 310 },
    { name: "Winter", from: "11-01", to: "03-31", perMetreNight: 190 },
  ],
  multihullFactor: 1.5,
  shorePowerPerNight: 450,
  weeklyDiscountBp: 1000,
  weeklyNights: 7,
};
