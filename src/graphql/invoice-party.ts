import type { PartySnapshot } from '../billing/invoices/legal-invoice.ts';
import { postalAddress, type PostalAddressView } from './postal-address.ts';

export interface InvoicePartyView {
  legalName: string | null;
  address: PostalAddressView | null;
  vatNumber: string | null;
}

/** A seller or buyer snapshot of an invoice as its GraphQL type; null when the invoice has none (not issued). */
export function invoiceParty(snapshot: PartySnapshot | null): InvoicePartyView | null {
  if (snapshot === null) return null;
  return {
    legalName: snapshot.legalName,
    address: postalAddress({
      line1: snapshot.addressLine1,
      line2: snapshot.addressLine2,
      postalCode: snapshot.postalCode,
      city: snapshot.city,
      region: snapshot.region,
      country: snapshot.country,
    }),
    vatNumber: snapshot.vatNumber,
  };
}
