import type { PrismaClient } from '../../db/prisma-types.ts';

/** One group of a period's issued documents (invoices and credit notes, netted). */
export interface VatReportRow {
  treatment: 'STANDARD' | 'REVERSE_CHARGE' | 'OUT_OF_SCOPE';
  rateCountry: string | null;
  rateBps: number;
  buyerCountry: string | null;
  buyerVatNumber: string | null;
  currency: string;
  taxable: number;
  vat: number;
  total: number;
  documents: number;
}

export class VatReportRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * Every document issued from `from` to `to` (calendar days, inclusive, in `timeZone`), grouped by VAT
   * treatment, rate, buyer (for reverse charge) and currency: credit notes carry negative amounts, so each
   * group is already invoices minus credit notes.
   */
  async rows(from: string, to: string, timeZone: string): Promise<VatReportRow[]> {
    const rows = await this.prisma.$queryRaw<
      (Omit<VatReportRow, 'taxable' | 'vat' | 'total' | 'documents'> & {
        taxable: bigint;
        vat: bigint;
        total: bigint;
        documents: bigint;
      })[]
    >`
      SELECT vat_treatment::text AS treatment, vat_rate_country AS "rateCountry", vat_rate_bps AS "rateBps",
             CASE WHEN vat_treatment = 'REVERSE_CHARGE' THEN buyer_snapshot->>'country' END AS "buyerCountry",
             CASE WHEN vat_treatment = 'REVERSE_CHARGE' THEN buyer_snapshot->>'vatNumber' END AS "buyerVatNumber",
             currency, SUM(subtotal)::bigint AS taxable, SUM(tax_amount)::bigint AS vat, SUM(total)::bigint AS total,
             COUNT(*)::bigint AS documents
        FROM invoices
       WHERE issued_at IS NOT NULL
         AND (issued_at AT TIME ZONE ${timeZone})::date BETWEEN ${from}::date AND ${to}::date
       GROUP BY 1, 2, 3, 4, 5, 6
       ORDER BY 1, 2 NULLS LAST, 3, 5 NULLS LAST, 6`;
    return rows.map((row) => ({
      ...row,
      taxable: Number(row.taxable),
      vat: Number(row.vat),
      total: Number(row.total),
      documents: Number(row.documents),
    }));
  }
}
