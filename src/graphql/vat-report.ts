import { vatReportCsv, type VatAmounts, type VatReport } from '../billing/vat/vat-report-service.ts';

type Line = VatAmounts & {
  memberState?: string | null;
  buyerCountry?: string | null;
  buyerVatNumber?: string;
  rateBps?: number;
};

const line = (row: Line) => ({
  memberState: row.memberState ?? row.buyerCountry ?? null,
  buyerVatNumber: row.buyerVatNumber ?? null,
  rateBasisPoints: row.rateBps ?? null,
  taxable: { amount: row.taxable, currency: row.currency },
  vat: { amount: row.vat, currency: row.currency },
  documents: row.documents,
});

/** The domain report as its GraphQL type. */
export function vatReportView(report: VatReport) {
  return {
    quarter: report.quarter,
    from: report.from,
    to: report.to,
    sellerCountry: report.sellerCountry,
    oneStopShop: report.oneStopShop.map(line),
    reverseCharged: report.reverseCharged.map(line),
    domestic: report.domestic.map((row) => line({ ...row, memberState: report.sellerCountry })),
    outOfScope: report.outOfScope.map(line),
    totals: report.totals.map(line),
    csv: vatReportCsv(report),
  };
}
