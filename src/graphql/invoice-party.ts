import { postalAddress, type PostalAddressView } from './postal-address.ts';

export interface InvoicePartyView {
  legalName: string | null;
  address: PostalAddressView | null;
  vatNumber: string | null;
}

/** Reads a seller or buyer snapshot stored as JSON on an invoice; unknown or missing parts read as null. */
export function invoiceParty(snapshot: unknown): InvoicePartyView | null {
  if (snapshot === null || typeof snapshot !== 'object') return null;
  const record = snapshot as Record<string, unknown>;
  const text = (key: string) => (typeof record[key] === 'string' ? (record[key] as string) : null);
  return {
    legalName: text('legalName'),
    address: postalAddress({
      line1: text('addressLine1'),
      line2: text('addressLine2'),
      postalCode: text('postalCode'),
      city: text('city'),
      region: text('region'),
      country: text('country'),
    }),
    vatNumber: text('vatNumber'),
  };
}
