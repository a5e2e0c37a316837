// The one mapping from our legal document to the EN 16931 business terms, in the semantic (UBL-shaped) input
// of @e-invoice-eu/core, which writes it as CII inside a Factur-X PDF/A-3. Everything the e-invoice says
// comes from the same LegalInvoiceDocument the PDF prints, so the two can never disagree; pointing the
// e-invoice at another snapshot type means changing this module only.
import type { Invoice } from '@e-invoice-eu/core';
import type { VatTreatment } from '../vat/vat-treatment.ts';
import { decimalAmount, type InvoiceParty, type LegalInvoiceDocument, type LegalInvoiceLine } from './legal-invoice.ts';

type Document = Invoice['ubl:Invoice'];
type Line = Document['cac:InvoiceLine'][number];
type Currency = Document['cbc:DocumentCurrencyCode'];
type VatCategory = Document['cac:TaxTotal'][0]['cac:TaxSubtotal'] extends (infer S)[] | undefined
  ? S extends { 'cac:TaxCategory': infer C }
    ? C
    : never
  : never;

/** EN 16931 invoice type codes (UNTDID 1001): a commercial invoice, a credit note. */
export const INVOICE_TYPE_CODE = { INVOICE: '380', CREDIT_NOTE: '381' } as const;

/** UNTDID 5305 VAT category and the VATEX exemption reason a zero-rated category needs (BR-AE-10, BR-O-10). */
const CATEGORY: Record<VatTreatment, { code: 'S' | 'AE' | 'O'; exemptionCode: string | null }> = {
  STANDARD: { code: 'S', exemptionCode: null },
  REVERSE_CHARGE: { code: 'AE', exemptionCode: 'VATEX-EU-AE' },
  OUT_OF_SCOPE: { code: 'O', exemptionCode: 'VATEX-EU-O' },
};

/** The SIREN's identification scheme (ISO 6523 ICD 0002), for the seller's legal registration (BT-30). */
const SIREN_SCHEME = '0002';

/**
 * The e-invoice of a legal document. A credit note (381) states its amounts as positive figures, as
 * EN 16931 expects: the type code says they are given back. `corrects` becomes the preceding invoice (BT-25).
 */
export function facturXInvoice(document: LegalInvoiceDocument): Invoice {
  const sign = document.kind === 'CREDIT_NOTE' ? -1 : 1;
  const currency = document.currency as Currency;
  const money = (minorUnits: number) => decimalAmount(sign * minorUnits, document.currency);
  const category = vatCategory(document);
  // Out of scope: EN 16931 forbids VAT identifiers on the document (BR-O-2); the SIREN identifies the seller.
  const outOfScope = document.vat.treatment === 'OUT_OF_SCOPE';
  // A buyer who gave no country was taxed as in the seller's country: that is where the supply is.
  const buyerCountry = document.buyer.address.country || document.seller.address.country;
  const [firstLine, ...otherLines] = document.lines.map((line, index) =>
    invoiceLine(line, index, sign, document.currency, category),
  );
  if (!firstLine) throw new Error(`invoice ${document.number} has no line: an e-invoice needs at least one`);
  return {
    'ubl:Invoice': {
      'cbc:CustomizationID': 'urn:cen.eu:en16931:2017',
      'cbc:ID': document.number,
      'cbc:IssueDate': document.issueDate,
      'cbc:InvoiceTypeCode': INVOICE_TYPE_CODE[document.kind],
      ...(document.reason ? { 'cbc:Note': [document.reason] } : {}),
      'cbc:DocumentCurrencyCode': currency,
      ...(document.corrects
        ? {
            'cac:BillingReference': [
              {
                'cac:InvoiceDocumentReference': {
                  'cbc:ID': document.corrects.number,
                  'cbc:IssueDate': document.corrects.issueDate,
                },
              },
            ],
          }
        : {}),
      'cac:AccountingSupplierParty': {
        'cac:Party': {
          ...(outOfScope && !document.sellerSiren
            ? { 'cac:PartyIdentification': [{ 'cbc:ID': document.seller.vatNumber }] }
            : {}),
          'cac:PostalAddress': postalAddress(document.seller, document.seller.address.country),
          'cac:PartyTaxScheme': outOfScope
            ? []
            : [{ 'cbc:CompanyID': document.seller.vatNumber, 'cac:TaxScheme': { 'cbc:ID': 'VAT' } }],
          'cac:PartyLegalEntity': {
            'cbc:RegistrationName': document.seller.legalName,
            ...(document.sellerSiren
              ? { 'cbc:CompanyID': document.sellerSiren, 'cbc:CompanyID@schemeID': SIREN_SCHEME }
              : {}),
          },
        },
      },
      'cac:AccountingCustomerParty': {
        'cac:Party': {
          'cac:PostalAddress': postalAddress(document.buyer, buyerCountry),
          ...(document.buyer.vatNumber && !outOfScope
            ? {
                'cac:PartyTaxScheme': {
                  'cbc:CompanyID': document.buyer.vatNumber,
                  'cac:TaxScheme': { 'cbc:ID': 'VAT' },
                },
              }
            : {}),
          'cac:PartyLegalEntity': {
            'cbc:RegistrationName': document.buyer.legalName,
            // BT-47: the French buyer's SIREN, which routes its e-invoices under the 2026 reform.
            ...(document.buyerSiren
              ? { 'cbc:CompanyID': document.buyerSiren, 'cbc:CompanyID@schemeID': SIREN_SCHEME }
              : {}),
          },
        },
      },
      // BG-13/BG-15: CII requires the delivery block; a service is supplied where the buyer is (the place
      // of supply its VAT was decided by), so the buyer's address is where it is delivered.
      'cac:Delivery': { 'cac:DeliveryLocation': { 'cac:Address': postalAddress(document.buyer, buyerCountry) } },
      ...(document.paymentTerms ? { 'cac:PaymentTerms': { 'cbc:Note': document.paymentTerms } } : {}),
      'cac:TaxTotal': [
        {
          'cbc:TaxAmount': money(document.vatAmount),
          'cbc:TaxAmount@currencyID': currency,
          'cac:TaxSubtotal': [
            {
              'cbc:TaxableAmount': money(document.taxableAmount),
              'cbc:TaxableAmount@currencyID': currency,
              'cbc:TaxAmount': money(document.vatAmount),
              'cbc:TaxAmount@currencyID': currency,
              'cac:TaxCategory': category,
            },
          ],
        },
      ],
      'cac:LegalMonetaryTotal': {
        'cbc:LineExtensionAmount': money(document.lines.reduce((sum, line) => sum + line.amount, 0)),
        'cbc:LineExtensionAmount@currencyID': currency,
        'cbc:TaxExclusiveAmount': money(document.taxableAmount),
        'cbc:TaxExclusiveAmount@currencyID': currency,
        'cbc:TaxInclusiveAmount': money(document.total),
        'cbc:TaxInclusiveAmount@currencyID': currency,
        // The document states what is owed; whether it was paid is beside it, never inside it.
        'cbc:PayableAmount': money(document.total),
        'cbc:PayableAmount@currencyID': currency,
      },
      'cac:InvoiceLine': [firstLine, ...otherLines],
    },
  };
}

function vatCategory(document: LegalInvoiceDocument): VatCategory {
  const { code, exemptionCode } = CATEGORY[document.vat.treatment];
  return {
    'cbc:ID': code,
    // "Not subject to VAT" carries no rate (BR-O-5, BR-O-9).
    ...(code === 'O' ? {} : { 'cbc:Percent': vatPercent(document.vat.rateBps) }),
    ...(exemptionCode ? { 'cbc:TaxExemptionReasonCode': exemptionCode } : {}),
    ...(exemptionCode && document.vat.mention ? { 'cbc:TaxExemptionReason': document.vat.mention } : {}),
    'cac:TaxScheme': { 'cbc:ID': 'VAT' },
  };
}

/**
 * A line: net amount = quantity × net price − allowance (BR-LIN-03 with no rounding, in minor units). The net
 * price is never negative (BR-27): a negative line is a negative quantity of a positive price.
 */
function invoiceLine(
  line: LegalInvoiceLine,
  index: number,
  sign: number,
  currency: string,
  category: VatCategory,
): Line {
  const unit = sign * line.unitAmount;
  const quantity = unit < 0 ? -line.quantity : line.quantity;
  const allowance = sign * line.discountAmount;
  const code = currency as Currency;
  return {
    'cbc:ID': String(index + 1),
    'cbc:InvoicedQuantity': String(quantity),
    // UN/ECE rec. 20 "one": a subscription period is sold as one unit.
    'cbc:InvoicedQuantity@unitCode': 'C62',
    'cbc:LineExtensionAmount': decimalAmount(sign * line.amount, currency),
    'cbc:LineExtensionAmount@currencyID': code,
    ...(line.periodStart || line.periodEnd
      ? {
          'cac:InvoicePeriod': {
            ...(line.periodStart ? { 'cbc:StartDate': line.periodStart } : {}),
            ...(line.periodEnd ? { 'cbc:EndDate': line.periodEnd } : {}),
          },
        }
      : {}),
    ...(allowance !== 0
      ? {
          'cac:AllowanceCharge': [
            {
              // A negative discount (on a credit) is a charge of the same size.
              'cbc:ChargeIndicator': allowance < 0 ? 'true' : 'false',
              'cbc:AllowanceChargeReason': allowance < 0 ? 'Discount reversed' : 'Discount',
              'cbc:Amount': decimalAmount(Math.abs(allowance), currency),
              'cbc:Amount@currencyID': code,
            },
          ],
        }
      : {}),
    'cac:Item': {
      'cbc:Name': line.description,
      'cac:ClassifiedTaxCategory': {
        'cbc:ID': category['cbc:ID'],
        ...(category['cbc:Percent'] !== undefined ? { 'cbc:Percent': category['cbc:Percent'] } : {}),
        'cac:TaxScheme': { 'cbc:ID': 'VAT' },
      },
    },
    'cac:Price': { 'cbc:PriceAmount': decimalAmount(Math.abs(unit), currency), 'cbc:PriceAmount@currencyID': code },
  };
}

function postalAddress(party: InvoiceParty, country: string) {
  const { line1, line2, city, postalCode, region } = party.address;
  return {
    ...(line1 ? { 'cbc:StreetName': line1 } : {}),
    ...(line2 ? { 'cbc:AdditionalStreetName': line2 } : {}),
    ...(city ? { 'cbc:CityName': city } : {}),
    ...(postalCode ? { 'cbc:PostalZone': postalCode } : {}),
    ...(region ? { 'cbc:CountrySubentity': region } : {}),
    'cac:Country': {
      'cbc:IdentificationCode':
        country as Document['cac:AccountingSupplierParty']['cac:Party']['cac:PostalAddress']['cac:Country']['cbc:IdentificationCode'],
    },
  };
}

/** 1900 → `19`, 2550 → `25.5`, 0 → `0`. */
export function vatPercent(rateBps: number): string {
  return `${Math.trunc(rateBps / 100)}${
    rateBps % 100
      ? `.${String(rateBps % 100)
          .padStart(2, '0')
          .replace(/0$/, '')}`
      : ''
  }`;
}
