// The VAT return of a quarter, from the issued documents (invoices minus credit notes, by issue date in
// the seller's time zone): the One-Stop-Shop return (B2C supplies per member state of consumption and rate),
// the EC sales list (reverse-charged supplies per buyer VAT number), the domestic supplies and those outside
// the scope of EU VAT.
import { invalidInput } from '../errors.ts';
import type { VatReportRepository, VatReportRow } from './vat-report-repository.ts';

export interface VatAmounts {
  currency: string;
  taxable: number;
  vat: number;
  documents: number;
}

export interface VatReport {
  quarter: string;
  from: string;
  to: string;
  sellerCountry: string;
  /** B2C supplies taxed in another member state (OSS), per state and rate. */
  oneStopShop: (VatAmounts & { memberState: string; rateBps: number })[];
  /** Reverse-charged B2B supplies, per buyer VAT number (EC sales list). */
  reverseCharged: (VatAmounts & { buyerVatNumber: string; buyerCountry: string | null })[];
  /** Supplies taxed in the seller's own member state, per rate. */
  domestic: (VatAmounts & { rateBps: number })[];
  /** Supplies to buyers outside the EU: no EU VAT. */
  outOfScope: VatAmounts[];
  /** Everything issued in the period, per currency: the sum of the sections above. */
  totals: (VatAmounts & { total: number })[];
}

const QUARTER = /^(\d{4})-Q([1-4])$/;

export class VatReportService {
  constructor(
    private readonly repository: VatReportRepository,
    private readonly sellerCountry: string,
    private readonly timeZone: string,
  ) {}

  /** `quarter` as `2026-Q4`. */
  async quarter(quarter: string): Promise<VatReport> {
    const match = QUARTER.exec(quarter);
    if (!match) throw invalidInput('`quarter` must look like 2026-Q4', 'quarter');
    const year = Number(match[1]);
    const first = (Number(match[2]) - 1) * 3 + 1;
    const from = `${year}-${String(first).padStart(2, '0')}-01`;
    const lastDay = new Date(Date.UTC(year, first + 2, 0)).getUTCDate();
    const to = `${year}-${String(first + 2).padStart(2, '0')}-${lastDay}`;
    const rows = await this.repository.rows(from, to, this.timeZone);
    const amounts = (row: VatReportRow): VatAmounts => ({
      currency: row.currency,
      taxable: row.taxable,
      vat: row.vat,
      documents: row.documents,
    });
    const standard = rows.filter((row) => row.treatment === 'STANDARD');
    return {
      quarter,
      from,
      to,
      sellerCountry: this.sellerCountry,
      oneStopShop: standard
        .filter((row) => row.rateCountry !== this.sellerCountry)
        .map((row) => ({ ...amounts(row), memberState: row.rateCountry ?? '', rateBps: row.rateBps })),
      reverseCharged: rows
        .filter((row) => row.treatment === 'REVERSE_CHARGE')
        .map((row) => ({ ...amounts(row), buyerVatNumber: row.buyerVatNumber ?? '', buyerCountry: row.buyerCountry })),
      domestic: standard
        .filter((row) => row.rateCountry === this.sellerCountry)
        .map((row) => ({ ...amounts(row), rateBps: row.rateBps })),
      outOfScope: merged(rows.filter((row) => row.treatment === 'OUT_OF_SCOPE')),
      totals: merged(rows).map((total) => ({
        ...total,
        total: rows.filter((row) => row.currency === total.currency).reduce((sum, row) => sum + row.total, 0),
      })),
    };
  }
}

/** The rows' amounts summed per currency. */
function merged(rows: VatReportRow[]): VatAmounts[] {
  const byCurrency = new Map<string, VatAmounts>();
  for (const row of rows) {
    const sum = byCurrency.get(row.currency) ?? { currency: row.currency, taxable: 0, vat: 0, documents: 0 };
    byCurrency.set(row.currency, {
      ...sum,
      taxable: sum.taxable + row.taxable,
      vat: sum.vat + row.vat,
      documents: sum.documents + row.documents,
    });
  }
  return [...byCurrency.values()];
}

/** The report as CSV (one line per figure, amounts in minor units), for an accountant's spreadsheet. */
export function vatReportCsv(report: VatReport): string {
  const lines = [
    ['section', 'member_state', 'buyer_vat_number', 'rate_bps', 'currency', 'taxable_minor', 'vat_minor', 'documents'],
  ];
  for (const row of report.oneStopShop)
    lines.push([
      'oss',
      row.memberState,
      '',
      String(row.rateBps),
      row.currency,
      String(row.taxable),
      String(row.vat),
      String(row.documents),
    ]);
  for (const row of report.reverseCharged)
    lines.push([
      'reverse_charge',
      row.buyerCountry ?? '',
      row.buyerVatNumber,
      '0',
      row.currency,
      String(row.taxable),
      '0',
      String(row.documents),
    ]);
  for (const row of report.domestic)
    lines.push([
      'domestic',
      report.sellerCountry,
      '',
      String(row.rateBps),
      row.currency,
      String(row.taxable),
      String(row.vat),
      String(row.documents),
    ]);
  for (const row of report.outOfScope)
    lines.push(['out_of_scope', '', '', '0', row.currency, String(row.taxable), '0', String(row.documents)]);
  for (const row of report.totals)
    lines.push(['total', '', '', '', row.currency, String(row.taxable), String(row.vat), String(row.documents)]);
  return `${lines.map((line) => line.map(csvField).join(',')).join('\r\n')}\r\n`;
}

function csvField(value: string): string {
  // Quoted only when needed (RFC 4180).
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
