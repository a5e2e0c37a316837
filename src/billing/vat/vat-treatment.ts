// Which VAT an invoice carries, from the seller's country and the buyer's country and VAT number
// (electronically supplied services, Directive 2006/112/EC). The policy table is in ./README.md.
import { standardRate, vatMemberState, type VatRateTable } from './eu-vat-rates.ts';
import { vatNumberPrefix, type VatNumberStatus } from './vat-number-check.ts';

export type VatTreatment = 'STANDARD' | 'REVERSE_CHARGE' | 'OUT_OF_SCOPE';

export interface VatSituation {
  /** ISO 3166-1 alpha-2 code of the member state the seller is established in. */
  sellerCountry: string;
  /** ISO 3166-1 alpha-2 code; null when the buyer never gave one (taxed as a domestic consumer). */
  buyerCountry: string | null;
  buyerVatNumber: string | null;
  vatNumberStatus: VatNumberStatus | 'absent';
  /** The supply's calendar day (YYYY-MM-DD) in the seller's time zone: the rate in force that day applies. */
  supplyDay: string;
  /** The EU table unless given (tests of a rate change). */
  rates?: VatRateTable;
}

export interface VatDecision {
  treatment: VatTreatment;
  /** Basis points (2000 = 20 %); 0 when no VAT is charged. */
  rateBps: number;
  /** The member state whose rate is charged; null when no VAT is charged. */
  rateCountry: string | null;
  /** The legal mention the invoice must print when no VAT is charged. */
  mention: string | null;
}

/** In French ("Autoliquidation", art. 283-2 CGI) and English, as a French seller's business buyers expect. */
export const REVERSE_CHARGE_MENTION =
  'Autoliquidation : TVA due par le preneur (article 196 de la directive 2006/112/CE). ' +
  'Reverse charge: VAT to be accounted for by the customer under Article 196 of Directive 2006/112/EC.';

export const OUT_OF_SCOPE_MENTION =
  'VAT not applicable: the customer is established outside the European Union, where the services are supplied ' +
  '(Articles 44 and 59 of Directive 2006/112/EC).';

export class VatRateUnknownError extends Error {
  constructor(country: string, supplyDay: string) {
    super(`no standard VAT rate is known for ${country} on ${supplyDay}`);
    this.name = 'VatRateUnknownError';
  }
}

export function decideVat(situation: VatSituation): VatDecision {
  const seller = vatMemberState(situation.sellerCountry);
  if (seller === null) throw new Error(`the seller's country ${situation.sellerCountry} is not an EU member state`);
  // Without a country there is no evidence the buyer is elsewhere: the seller's own VAT is the safe choice.
  const buyer = situation.buyerCountry === null ? seller : vatMemberState(situation.buyerCountry);

  if (buyer === null)
    return { treatment: 'OUT_OF_SCOPE', rateBps: 0, rateCountry: null, mention: OUT_OF_SCOPE_MENTION };
  if (buyer === seller) return charged(seller, situation);
  // Only a valid number issued in the buyer's member state zero-rates (confirmed by the registry, or well
  // formed when the operator turned registry checks off); any other is taxed as a consumer.
  const issuedThere = situation.buyerVatNumber?.toUpperCase().startsWith(vatNumberPrefix(buyer)) ?? false;
  const valid = situation.vatNumberStatus === 'valid' || situation.vatNumberStatus === 'format-valid';
  if (issuedThere && valid) {
    return { treatment: 'REVERSE_CHARGE', rateBps: 0, rateCountry: null, mention: REVERSE_CHARGE_MENTION };
  }
  // A consumer in another member state pays that state's rate (the One-Stop Shop).
  return charged(buyer, situation);
}

function charged(country: string, situation: VatSituation): VatDecision {
  const rateBps = standardRate(country, situation.supplyDay, situation.rates);
  if (rateBps === null) throw new VatRateUnknownError(country, situation.supplyDay);
  return { treatment: 'STANDARD', rateBps, rateCountry: country, mention: null };
}
