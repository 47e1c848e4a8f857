/**
 * Invoices. Lines carry net amounts and a tax rate in basis points (2100 = 21%). Tax is worked
 * out per rate: the net lines at one rate are added up and the tax on that sum is rounded once
 * (half to even), which is what the tax office asks for; rounding each line and adding the
 * results drifts by a cent on long invoices.
 */

import type { Day } from "./days.ts";
import { ValidationError } from "./errors.ts";
import { add, allocate, formatMoney, percent, sum, zero } from "./money.ts";
import type { Money } from "./money.ts";
import type { Quote } from "./rates.ts";

export interface InvoiceLine {
  readonly description: string;
  readonly net: Money;
  readonly taxBp: number;
}

export interface Invoice {
  readonly id: string;
  readonly bookingId: string;
  readonly memberId: string;
  readonly issued: Day;
  readonly currency: string;
  readonly lines: readonly InvoiceLine[];
}

export interface TaxGroup {
  readonly taxBp: number;
  readonly net: Money;
  readonly tax: Money;
}

export interface InvoiceTotals {
  readonly net: Money;
  readonly taxes: readonly TaxGroup[];
  readonly tax: Money;
  readonly gross: Money;
}

export function checkInvoice(invoice: Invoice): Invoice {
  if (invoice.lines.length === 0) {
    throw new ValidationError("lines", `invoice ${invoice.id} has no lines`);
  }
  for (const line of invoice.lines) {
    if (!Number.isInteger(line.taxBp) || line.taxBp < 0 || line.taxBp > 10_000) {
      throw new ValidationError("taxBp", `a tax rate is 0 to 10000 basis points: ${line.taxBp}`);
    }
  }
  return invoice;
}

/** Net, tax per rate (rates ascending), total tax and gross. */
export function invoiceTotals(invoice: Invoice): InvoiceTotals {
  checkInvoice(invoice);
  const byRate = new Map<number, Money[]>();
  for (const line of invoice.lines) {
    const list = byRate.get(line.taxBp) ?? [];
    list.push(line.net);
    byRate.set(line.taxBp, list);
  }
  const taxes: TaxGroup[] = [...byRate.entries()]
    .sort(([a], [b]) => a - b)
    .map(([taxBp, nets]) => {
      const net = sum(nets, invoice.currency);
      return { taxBp, net, tax: percent(net, taxBp) };
    });
  const net = sum(
    taxes.map((t) => t.net),
    invoice.currency,
  );
  const tax = sum(
    taxes.map((t) => t.tax),
    invoice.currency,
  );
  return { net, taxes, tax, gross: add(net, tax) };
}

export interface FromQuote {
  readonly id: string;
  readonly bookingId: string;
  readonly memberId: string;
  readonly issued: Day;
  readonly taxBp: number;
}

/** An invoice with one line per quote line, all at one tax rate. */
export function invoiceFromQuote(quote: Quote, details: FromQuote): Invoice {
  return checkInvoice({
    id: details.id,
    bookingId: details.bookingId,
    memberId: details.memberId,
    issued: details.issued,
    currency: quote.total.currency,
    lines: quote.lines.map((l) => ({
      description: l.description,
      net: l.amount,
      taxBp: details.taxBp,
    })),
  });
}

/** The gross amount each co-owner pays, by their shares; the parts add up to the gross. */
export function splitGross(
  invoice: Invoice,
  shares: readonly number[],
): Money[] {
  return allocate(invoiceTotals(invoice).gross, shares);
}

function pct(bp: number): string {
  const whole = Math.floor(bp / 100);
  const rest = bp % 100;
  return rest === 0 ? `${whole}%` : `${whole}.${String(rest).padStart(2, "0").replace(/0$/, "")}%`;
}

/** The invoice as plain text, amounts right-aligned in one column. */
export function renderInvoice(invoice: Invoice): string {
  const totals = invoiceTotals(invoice);
  const rows: Array<[string, string]> = invoice.lines.map((l) => [
    l.description,
    formatMoney(l.net),
  ]);
  rows.push(["Net", formatMoney(totals.net)]);
  for (const t of totals.taxes) {
    rows.push([`Tax ${pct(t.taxBp)} on ${formatMoney(t.net)}`, formatMoney(t.tax)]);
  }
  rows.push(["Total", formatMoney(totals.gross)]);
  const left = Math.max(...rows.map(([d]) => d.length));
  const right = Math.max(...rows.map(([, a]) => a.length));
  const header = `Invoice ${invoice.id} (booking ${invoice.bookingId}), ${invoice.issued}`;
  return [header, ...rows.map(([d, a]) => `${d.padEnd(left)}  ${a.padStart(right)}`)].join("\n");
}

/** A running account per member: every invoice's gross, for statements. */
export function balances(invoices: readonly Invoice[]): Map<string, Money> {
  const out = new Map<string, Money>();
  for (const inv of invoices) {
    const gross = invoiceTotals(inv).gross;
    out.set(inv.memberId, add(out.get(inv.memberId) ?? zero(inv.currency), gross));
  }
  return out;
}
