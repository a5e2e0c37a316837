// The legal invoice as a document: every field art. 226 of Directive 2006/112/EC requires, already resolved
// (snapshots, calendar dates, amounts in minor units), so rendering it reads nothing else.
import type { Invoice, InvoiceLine } from './invoice.ts';
import type { PartySnapshot } from './party-snapshot.ts';
import type { VatTreatment } from '../vat/vat-treatment.ts';
import { calendarDate } from '../calendar-date.ts';

export type { PartySnapshot } from './party-snapshot.ts';

export interface PostalAddress {
  line1: string;
  line2: string | null;
  postalCode: string | null;
  city: string;
  region: string | null;
  /** ISO 3166-1 alpha-2. */
  country: string;
}

export interface InvoiceParty {
  legalName: string;
  address: PostalAddress;
  vatNumber: string | null;
}

export interface LegalInvoiceLine {
  description: string;
  /** Calendar dates (YYYY-MM-DD) of the service period; null for a one-off charge. */
  periodStart: string | null;
  periodEnd: string | null;
  quantity: number;
  /** Minor units of the invoice's currency, VAT excluded. */
  unitAmount: number;
  discountAmount: number;
  /** quantity × unitAmount − discountAmount: the line's taxable amount. */
  amount: number;
  /** amount × the document's rate, rounded by the one rule of vat-amount.ts. */
  vatAmount: number;
}

export type LegalDocumentKind = 'INVOICE' | 'CREDIT_NOTE';

/** The legal document only: its payment status is not part of it (it changes; the document never does). */
export interface LegalInvoiceDocument {
  kind: LegalDocumentKind;
  number: string;
  /** What a credit note corrects (art. 219: a document amending an invoice refers to it). */
  corrects: { number: string; issueDate: string } | null;
  /** Why a credit note was issued (refund, downgrade credit, correction). */
  reason: string | null;
  /** Calendar date (YYYY-MM-DD) in the seller's time zone, as the number's series year is. */
  issueDate: string;
  /** ISO 4217; every amount below is in its minor units. */
  currency: string;
  seller: InvoiceParty & { vatNumber: string };
  /** The seller's company mentions (legal form and capital, SIREN/SIRET, registry), as configured. */
  sellerMentions: string[];
  /** The seller's SIREN (its legal registration in France), as configured; null when none is. */
  sellerSiren: string | null;
  /** A French business buyer's SIREN; null for any other buyer. */
  buyerSiren: string | null;
  /** The seller's payment terms, as configured (printed on invoices to businesses). */
  paymentTerms: string | null;
  buyer: InvoiceParty;
  /**
   * Between businesses: the nature of the operations, the buyer's SIREN (French buyers), the option for VAT on
   * debits (when the seller took it), payment terms, late-payment penalties and the €40 recovery indemnity.
   */
  businessTerms: string[] | null;
  lines: LegalInvoiceLine[];
  vat: { treatment: VatTreatment; rateBps: number; mention: string | null };
  /** An invoice carries one rate, so the taxable amount per rate is its subtotal. */
  taxableAmount: number;
  vatAmount: number;
  total: number;
}

/**
 * The legal document of an issued invoice, from the invoice, its lines and its party snapshots
 * (party-snapshot.ts).
 * Throws when the row is not an issued invoice or a snapshot lacks what art. 226 requires.
 */
export function legalInvoiceDocument(
  invoice: Invoice,
  lines: readonly InvoiceLine[],
  timeZone: string,
  corrected: Pick<Invoice, 'number' | 'issuedAt'> | null = null,
): LegalInvoiceDocument {
  const { number, issuedAt } = invoice;
  if (number === null || issuedAt === null) throw new Error(`invoice ${invoice.id} has not been issued`);
  if (invoice.kind === 'CREDIT_NOTE' && (!corrected?.number || !corrected.issuedAt))
    throw new Error(`credit note ${number} does not name the invoice it corrects`);
  const day = (instant: Date | null) => (instant ? calendarDate(instant, timeZone) : null);
  const seller = partyFrom(invoice.sellerSnapshot, `invoice ${number}: the seller`);
  if (!seller.vatNumber) throw new Error(`invoice ${number}: the seller snapshot has no VAT number`);
  return {
    kind: invoice.kind,
    number,
    corrects:
      invoice.kind === 'CREDIT_NOTE' && corrected?.number && corrected.issuedAt
        ? { number: corrected.number, issueDate: calendarDate(corrected.issuedAt, timeZone) }
        : null,
    reason: invoice.creditReason,
    issueDate: calendarDate(issuedAt, timeZone),
    currency: invoice.currency,
    seller: { ...seller, vatNumber: seller.vatNumber },
    sellerMentions: sellerMentions(invoice.sellerSnapshot),
    sellerSiren: text(invoice.sellerSnapshot, 'siren'),
    buyerSiren: text(invoice.buyerSnapshot, 'siren'),
    paymentTerms: text(invoice.sellerSnapshot, 'paymentTerms'),
    businessTerms: isBusiness(invoice.buyerSnapshot)
      ? businessTerms(invoice.sellerSnapshot, text(invoice.buyerSnapshot, 'siren'))
      : null,
    buyer: buyerFrom(invoice.buyerSnapshot, invoice.vatTreatment === 'REVERSE_CHARGE', `invoice ${number}: the buyer`),
    lines: [...lines]
      .sort((a, b) => a.position - b.position)
      .map((line) => ({
        description: line.description,
        periodStart: day(line.periodStart),
        periodEnd: day(line.periodEnd),
        quantity: line.quantity,
        unitAmount: line.unitAmount,
        discountAmount: line.discountAmount,
        amount: line.amount,
        vatAmount: line.vatAmount,
      })),
    vat: { treatment: invoice.vatTreatment, rateBps: invoice.vatRateBps, mention: invoice.vatMention },
    taxableAmount: invoice.subtotal,
    vatAmount: invoice.taxAmount,
    total: invoice.total,
  };
}

/** A snapshot's text, empty text read as absent. */
type SnapshotText = keyof Omit<PartySnapshot, 'business' | 'vatOnDebits'>;
const text = (snapshot: PartySnapshot | null, key: SnapshotText) => snapshot?.[key] || null;

function sellerMentions(seller: PartySnapshot | null): string[] {
  const [form, capital, siren, siret] = [
    text(seller, 'legalForm'),
    text(seller, 'shareCapital'),
    text(seller, 'siren'),
    text(seller, 'siret'),
  ];
  const mentions = [
    form && capital ? `${form} with a share capital of ${capital}` : form,
    [siren && `SIREN ${siren}`, siret && `SIRET ${siret}`].filter(Boolean).join(' · ') || null,
    text(seller, 'registration'),
  ];
  return mentions.filter((mention): mention is string => Boolean(mention));
}

const isBusiness = (snapshot: PartySnapshot | null) => snapshot?.business === true;

/** The French B2B mentions (art. 242 nonies A CGI, the 2026 e-invoicing reform's four included; L441-9 C. com.). */
function businessTerms(seller: PartySnapshot | null, buyerSiren: string | null): string[] {
  const terms = text(seller, 'paymentTerms');
  const penalty = text(seller, 'latePaymentPenalty');
  return [
    // The service sells subscriptions only: no goods, so no delivery address either.
    'Operations: supplies of services only / opérations : prestations de services exclusivement.',
    ...(buyerSiren ? [`Customer SIREN / SIREN du client : ${buyerSiren}`] : []),
    ...(seller?.vatOnDebits
      ? ['Option for the payment of VAT on debits / option pour le paiement de la taxe d’après les débits.']
      : []),
    ...(terms ? [`Payment terms: ${terms}`] : []),
    ...(penalty ? [`Late payment: penalties at ${penalty} (art. L441-10 of the French Commercial Code).`] : []),
    'Fixed indemnity for recovery costs in case of late payment: 40 EUR (art. D441-5) / indemnité forfaitaire pour frais de recouvrement : 40 €.',
  ];
}

export const BUYER_NOT_PROVIDED = 'Name and address not provided by the customer';

/**
 * A business buyer (reverse charge) must be fully identified. A consumer may never have given a name or an
 * address: the invoice says so rather than invent one (the country, which decides the VAT, is known).
 */
function buyerFrom(snapshot: PartySnapshot | null, reverseCharge: boolean, who: string): InvoiceParty {
  if (reverseCharge) return partyFrom(snapshot, who);
  if (snapshot?.legalName && snapshot.addressLine1 && snapshot.city && snapshot.country)
    return partyFrom(snapshot, who);
  return {
    legalName: snapshot?.legalName || BUYER_NOT_PROVIDED,
    address: {
      line1: snapshot?.addressLine1 ?? '',
      line2: null,
      postalCode: snapshot?.postalCode ?? null,
      city: snapshot?.city ?? '',
      region: null,
      country: snapshot?.country ?? '',
    },
    vatNumber: null,
  };
}

function partyFrom(snapshot: PartySnapshot | null, who: string): InvoiceParty {
  const required = (key: SnapshotText) => {
    const value = text(snapshot, key);
    if (value === null) throw new Error(`${who} snapshot has no ${key}`);
    return value;
  };
  return {
    legalName: required('legalName'),
    address: {
      line1: required('addressLine1'),
      line2: text(snapshot, 'addressLine2'),
      postalCode: text(snapshot, 'postalCode'),
      city: required('city'),
      region: text(snapshot, 'region'),
      country: required('country'),
    },
    vatNumber: text(snapshot, 'vatNumber'),
  };
}

/** `1234567` EUR → `12,345.67 EUR`: integer arithmetic, the currency's own number of decimals. */
export function formatMoney(minorUnits: number, currency: string): string {
  const [whole = '', fraction] = decimalAmount(minorUnits, currency).split('.');
  return `${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${fraction === undefined ? '' : `.${fraction}`} ${currency}`;
}

/** `1234` EUR → `12.34`, `-5` EUR → `-0.05`, `1234` JPY → `1234`: the decimal figure of an amount in minor units. */
export function decimalAmount(minorUnits: number, currency: string): string {
  if (!Number.isSafeInteger(minorUnits))
    throw new Error(`an amount must be an integer number of minor units, got ${minorUnits}`);
  const digits =
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  const magnitude = String(Math.abs(minorUnits)).padStart(digits + 1, '0');
  const fraction = digits > 0 ? `.${magnitude.slice(magnitude.length - digits)}` : '';
  return `${minorUnits < 0 ? '-' : ''}${magnitude.slice(0, magnitude.length - digits)}${fraction}`;
}

/** 2000 → `20%`, 2550 → `25.5%`. */
export function formatVatRate(rateBps: number): string {
  return `${(rateBps / 100).toFixed(2).replace(/\.?0+$/, '')}%`;
}
