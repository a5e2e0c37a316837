// Legal invoice numbers: sequential and gapless per series, never reused. The number is taken inside the
// transaction that issues the invoice: the series row stays locked until that transaction ends, so a
// concurrent issue waits, and a rolled-back issue gives its number back instead of leaving a gap. The issue
// date is read after the format's lock is held, so numbers and dates rise together (art. 226: a number
// "in one or more series", and a later number never carries an earlier date).
import type { Prisma } from '../../generated/prisma/client.ts';
import { calendarDate } from '../calendar-date.ts';

export interface AllocatedInvoiceNumber {
  /** The counter the number belongs to, e.g. `F2026` (the format without its sequence). */
  series: string;
  /** 1 for the series' first invoice, then +1 per issued invoice. */
  sequence: number;
  /** The number printed on the invoice, e.g. `F2026-000001`. */
  number: string;
  /** The instant the number was taken: the document's issue date. */
  issuedAt: Date;
}

export interface InvoiceNumberFormat {
  /**
   * `{year}` is the issue date's calendar year, `{seq:N}` the sequence padded to N digits (`{seq}`: no
   * padding). With `{year}` every year is a new series starting at 1; without it the series never resets.
   */
  template: string;
  /** The seller's time zone: it decides which year an invoice issued around midnight on 31 December is in. */
  timeZone: string;
}

export const DEFAULT_INVOICE_NUMBER_FORMAT: InvoiceNumberFormat = { template: 'F{year}-{seq:6}', timeZone: 'UTC' };

const PLACEHOLDER = /\{([a-z]+)(?::(\d+))?\}/g;

export class InvoiceNumberAllocator {
  private readonly template: string;
  private readonly timeZone: string;
  private readonly padding: number;

  constructor(format: InvoiceNumberFormat = DEFAULT_INVOICE_NUMBER_FORMAT) {
    this.template = format.template;
    this.timeZone = format.timeZone;
    this.padding = validPadding(format.template);
    if (!this.render('2000', null))
      throw new Error(`invoice number template "${this.template}" needs a prefix or {year} to name its series`);
    calendarDate(new Date(0), format.timeZone); // throws now, at start, on an unknown time zone
  }

  /**
   * Takes the next number, dated now. `tx` must be the issuing transaction; the format's advisory lock,
   * held to its end, makes issues of one format take their number and their date one at a time.
   */
  async allocate(tx: Prisma.TransactionClient, now: () => Date): Promise<AllocatedInvoiceNumber> {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`invoice-number:${this.template}`}))`;
    const issuedAt = now();
    const year = calendarDate(issuedAt, this.timeZone).slice(0, 4);
    const series = this.render(year, null);
    const [row] = await tx.$queryRaw<{ last_number: number }[]>`
      INSERT INTO invoice_number_series (series, last_number) VALUES (${series}, 1)
      ON CONFLICT (series) DO UPDATE SET last_number = invoice_number_series.last_number + 1
      RETURNING last_number`;
    if (!row) throw new Error(`no number was returned for invoice series ${series}`);
    const sequence = Number(row.last_number);
    return { series, sequence, number: this.render(year, sequence), issuedAt };
  }

  /** With `sequence` null, the series: the format without its sequence and the separators around it. */
  private render(year: string, sequence: number | null): string {
    const text = this.template.replace(PLACEHOLDER, (_match, name: string) => {
      if (name === 'year') return year;
      return sequence === null ? '' : String(sequence).padStart(this.padding, '0');
    });
    return sequence === null ? text.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '') : text;
  }
}

/** The `{seq:N}` width; refuses a template that could not number invoices apart. */
function validPadding(template: string): number {
  const placeholders = [...template.matchAll(PLACEHOLDER)];
  const unknown = placeholders.find(([, name]) => name !== 'year' && name !== 'seq');
  if (unknown) throw new Error(`invoice number template "${template}": unknown placeholder ${unknown[0]}`);
  const sequences = placeholders.filter(([, name]) => name === 'seq');
  if (sequences.length !== 1)
    throw new Error(`invoice number template "${template}" needs exactly one {seq} or {seq:N}`);
  const padding = Number(sequences[0]?.[2] ?? 1);
  if (padding < 1 || padding > 12)
    throw new Error(`invoice number template "${template}": {seq:N} needs N from 1 to 12`);
  if (template.replace(PLACEHOLDER, '').includes('{') || template.replace(PLACEHOLDER, '').includes('}')) {
    throw new Error(`invoice number template "${template}": a brace outside a placeholder`);
  }
  return padding;
}
