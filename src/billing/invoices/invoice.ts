// An invoice or credit note in the domain's terms: a mirror of the provider's invoice until it is issued,
// then the legal record (number, VAT, frozen parties). Repositories build it from rows (invoice-repository.ts).
import type { VatNumberCheck } from '../vat/supply-vat-decision.ts';
import type { VatTreatment } from '../vat/vat-treatment.ts';
import type { PartySnapshot } from './party-snapshot.ts';

export type InvoiceStatus = 'DRAFT' | 'OPEN' | 'PAID' | 'VOID' | 'UNCOLLECTIBLE';
export type InvoiceKind = 'INVOICE' | 'CREDIT_NOTE';

export interface Invoice {
  id: string;
  customerId: string;
  /** Null for a credit note an operator issued (no provider invoice behind it). */
  providerInvoiceId: string | null;
  /** Legal number, allocated gaplessly per series at issue. */
  number: string | null;
  series: string | null;
  sequence: number | null;
  kind: InvoiceKind;
  correctsInvoiceId: string | null;
  creditReason: string | null;
  status: InvoiceStatus;
  currency: string;
  /** Minor units of `currency`. */
  subtotal: number;
  taxAmount: number;
  total: number;
  amountPaid: number;
  amountDue: number;
  vatRateBps: number;
  vatTreatment: VatTreatment;
  vatMention: string | null;
  vatRateCountry: string | null;
  vatNumberStatus: VatNumberCheck;
  vatDecidedAt: Date | null;
  /** The calendar day (seller's time zone) whose rate applies. */
  vatRateDay: string | null;
  /** The digest of the document's stored PDF; null until it is rendered (its bytes stay in the repository). */
  pdfSha256: string | null;
  /** The digest of its stored Factur-X e-invoice; null until it is rendered. */
  eInvoiceSha256: string | null;
  sellerSnapshot: PartySnapshot | null;
  buyerSnapshot: PartySnapshot | null;
  periodStart: Date | null;
  periodEnd: Date | null;
  issuedAt: Date | null;
  dueAt: Date | null;
  paidAt: Date | null;
  paymentFailedAt: Date | null;
  /** An open invoice whose debit the bank is processing (SEPA): neither paid nor failed yet. */
  paymentProcessing: boolean;
  createdAt: Date;
}

export interface InvoiceLine {
  id: string;
  invoiceId: string;
  position: number;
  description: string;
  quantity: number;
  /** Minor units, VAT excluded. */
  unitAmount: number;
  discountAmount: number;
  amount: number;
  vatAmount: number;
  proration: boolean;
  periodStart: Date | null;
  periodEnd: Date | null;
}
