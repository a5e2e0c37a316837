// Admins' view of invoices across customers: a page, the totals of everything the filter matches (per
// currency: money in different currencies is never added up), and a CSV export for accounting.
import type { Invoice } from './invoice.ts';
import { invalidInput } from '../errors.ts';
import { decodeInvoiceCursor, encodeInvoiceCursor } from './invoice-cursor.ts';
import type { CurrencyTotals, InvoiceFilter, InvoiceListingRepository } from './invoice-listing-repository.ts';
import { MAX_INVOICE_PAGE, type InvoicePage } from './invoice-service.ts';

/** An export larger than this is refused: narrow the period instead. */
export const MAX_CSV_ROWS = 10_000;

const COUNTRY = /^[A-Z]{2}$/;

const CSV_COLUMNS = [
  'number',
  'issued_at',
  'status',
  'paid_at',
  'buyer_legal_name',
  'buyer_country',
  'buyer_vat_number',
  'vat_treatment',
  'vat_rate_percent',
  'currency',
  'subtotal',
  'tax',
  'total',
  'amount_paid',
  'amount_due',
  'period_start',
  'period_end',
] as const;

export class InvoiceListing {
  constructor(private readonly invoices: InvoiceListingRepository) {}

  async page(filter: InvoiceFilter, first: number, after: string | null): Promise<InvoicePage> {
    checkFilter(filter);
    if (!Number.isInteger(first) || first < 1 || first > MAX_INVOICE_PAGE)
      throw invalidInput(`\`first\` must be between 1 and ${MAX_INVOICE_PAGE}`, 'first');
    const rows = await this.invoices.findPage(filter, first + 1, after === null ? null : decodeInvoiceCursor(after));
    return {
      invoices: rows.slice(0, first).map((invoice) => ({ cursor: encodeInvoiceCursor(invoice), invoice })),
      hasNextPage: rows.length > first,
    };
  }

  totals(filter: InvoiceFilter): Promise<CurrencyTotals[]> {
    checkFilter(filter);
    return this.invoices.totals(filter);
  }

  /** RFC 4180, amounts in major units of their currency, oldest first. */
  async csv(filter: InvoiceFilter): Promise<string> {
    checkFilter(filter);
    const count = await this.invoices.count(filter);
    if (count > MAX_CSV_ROWS)
      throw invalidInput(
        `${count} invoices match: export at most ${MAX_CSV_ROWS} at once (narrow the period)`,
        'filter',
      );
    const rows = await this.invoices.findAll(filter, MAX_CSV_ROWS);
    return (
      [CSV_COLUMNS.join(','), ...rows.map((invoice) => csvRow(invoice).map(csvCell).join(','))].join('\r\n') + '\r\n'
    );
  }
}

function checkFilter(filter: InvoiceFilter): void {
  if (filter.country !== null && !COUNTRY.test(filter.country))
    throw invalidInput('`country` must be an ISO 3166-1 alpha-2 code in upper case', 'country');
  if (filter.issuedFrom && filter.issuedBefore && filter.issuedFrom >= filter.issuedBefore) {
    throw invalidInput('`issuedFrom` must be before `issuedBefore`', 'issuedBefore');
  }
}

function csvRow(invoice: Invoice): (string | null)[] {
  const buyer = invoice.buyerSnapshot;
  const amount = (minor: number) => majorUnits(minor, invoice.currency);
  return [
    invoice.number,
    iso(invoice.issuedAt),
    invoice.status,
    iso(invoice.paidAt),
    buyer?.legalName ?? null,
    buyer?.country ?? null,
    buyer?.vatNumber ?? null,
    invoice.vatTreatment,
    (invoice.vatRateBps / 100).toFixed(2),
    invoice.currency,
    amount(invoice.subtotal),
    amount(invoice.taxAmount),
    amount(invoice.total),
    amount(invoice.amountPaid),
    amount(invoice.amountDue),
    iso(invoice.periodStart),
    iso(invoice.periodEnd),
  ];
}

const iso = (date: Date | null) => date?.toISOString() ?? null;

/** Exact decimal text of minor units, with the currency's own number of decimals (EUR 2, JPY 0, KWD 3). */
export function majorUnits(minor: number, currency: string): string {
  const decimals =
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  const digits = Math.abs(minor)
    .toString()
    .padStart(decimals + 1, '0');
  const whole = decimals === 0 ? digits : `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
  return minor < 0 ? `-${whole}` : whole;
}

/** Quoted when needed; a cell a spreadsheet would run as a formula is defused with a leading quote. */
function csvCell(value: string | null): string {
  if (value === null) return '';
  const safe = /^[=+\-@\t\r]/.test(value) && !/^-?\d/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
