// What invoicing needs from the configuration: the seller's legal identity, the number series, the time
// zone of legal dates and the PDF links. config.ts reads them from the environment; the domain owns the shape.
export interface SellerIdentity {
  legalName: string;
  addressLine1: string;
  addressLine2: string | null;
  postalCode: string;
  city: string;
  country: string;
  vatNumber: string;
  /** French mentions (Code de commerce R123-237, L441-9): printed when given. */
  legalForm: string | null;
  shareCapital: string | null;
  siren: string | null;
  siret: string | null;
  /** The trade registry entry, e.g. "RCS Paris 303 265 045". */
  registration: string | null;
  /** Opted to pay VAT on debits (art. 269-2-c CGI) rather than on receipts: French invoices must say so. */
  vatOnDebits: boolean;
  /** Printed on business invoices, with the €40 recovery indemnity (L441-10). */
  paymentTerms: string;
  latePaymentPenalty: string;
}

export interface InvoicingSettings {
  seller: SellerIdentity;
  numberTemplate: string;
  /** Credit notes are numbered in a series of their own. */
  creditNoteNumberTemplate: string;
  timeZone: string;
  viesCheck: boolean;
  /** Signs the short-lived PDF links; shared by every replica. */
  linkSecret: string;
  linkTtlSeconds: number;
  /** Where clients reach this service, for the PDF links. */
  publicBaseUrl: string;
}
