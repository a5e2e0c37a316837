// A seller or buyer as frozen on an invoice at issue (stored as JSON, with the customer's field names):
// the one schema the legal document (PDF, e-invoice) and the GraphQL `InvoiceParty` read.

export interface PartySnapshot {
  legalName: string | null;
  addressLine1: string | null;
  addressLine2: string | null;
  postalCode: string | null;
  city: string | null;
  region: string | null;
  /** ISO 3166-1 alpha-2. */
  country: string | null;
  vatNumber: string | null;
  /** A buyer with a VAT number: its invoices carry the French B2B mentions. */
  business: boolean;
  /** The seller's option for VAT on debits; false on a buyer. */
  vatOnDebits: boolean;
  /** The seller's company mentions and terms (config.ts `SellerIdentity`); null on a buyer. */
  legalForm: string | null;
  shareCapital: string | null;
  /** The seller's, and a French business buyer's (the last nine digits of its VAT number). */
  siren: string | null;
  siret: string | null;
  registration: string | null;
  paymentTerms: string | null;
  latePaymentPenalty: string | null;
}

const TEXT_FIELDS = [
  'legalName',
  'addressLine1',
  'addressLine2',
  'postalCode',
  'city',
  'region',
  'country',
  'vatNumber',
  'legalForm',
  'shareCapital',
  'siren',
  'siret',
  'registration',
  'paymentTerms',
  'latePaymentPenalty',
] as const;

/** Reads a stored snapshot: null when there is none; a part that is missing or not text reads as null. */
export function partySnapshot(stored: unknown): PartySnapshot | null {
  if (stored === null || typeof stored !== 'object') return null;
  const record = stored as Record<string, unknown>;
  const text = (key: string) => (typeof record[key] === 'string' ? (record[key] as string) : null);
  const texts = Object.fromEntries(TEXT_FIELDS.map((field) => [field, text(field)])) as Record<
    (typeof TEXT_FIELDS)[number],
    string | null
  >;
  return { ...texts, business: record.business === true, vatOnDebits: record.vatOnDebits === true };
}
