import { AFRelationship } from '@cantoo/pdf-lib';
import { renderFacturX } from '../../src/billing/invoices/factur-x-pdf';
import { renderInvoicePdf } from '../../src/billing/invoices/invoice-pdf';
import type { LegalInvoiceDocument } from '../../src/billing/invoices/legal-invoice';
import { lineVat } from '../../src/billing/vat/vat-amount';
import { OUT_OF_SCOPE_MENTION, REVERSE_CHARGE_MENTION } from '../../src/billing/vat/vat-treatment';
import { CiiDocument, readFacturX, type FacturXFile } from './factur-x-reader';
import { facturXSchemaErrors } from './factur-x-schema';
import { pdfText } from './pdf-text';

const seller = {
  legalName: 'Bitflow SAS',
  address: { line1: '12 rue de la Paix', line2: null, postalCode: '75002', city: 'Paris', region: null, country: 'FR' },
  vatNumber: 'FR40303265045',
};

const domesticConsumer: LegalInvoiceDocument = {
  kind: 'INVOICE',
  number: 'F2026-000101',
  corrects: null,
  reason: null,
  issueDate: '2026-11-27',
  currency: 'EUR',
  seller,
  sellerMentions: ['SAS with a share capital of 10,000 EUR', 'SIREN 303265045'],
  sellerSiren: '303265045',
  buyerSiren: null,
  paymentTerms: 'Payable on receipt.',
  buyer: {
    legalName: 'Camille Martin',
    address: {
      line1: '3 place Bellecour',
      line2: null,
      postalCode: '69002',
      city: 'Lyon',
      region: null,
      country: 'FR',
    },
    vatNumber: null,
  },
  businessTerms: null,
  lines: [
    {
      description: 'Cloud storage subscription, Lite plan, 100 GB, 2026-11-27 – 2026-12-27',
      periodStart: '2026-11-27',
      periodEnd: '2026-12-27',
      quantity: 1,
      unitAmount: 800,
      discountAmount: 0,
      amount: 800,
      vatAmount: 160,
    },
    {
      description: 'Extra storage',
      periodStart: null,
      periodEnd: null,
      quantity: 1,
      unitAmount: 250,
      discountAmount: 0,
      amount: 250,
      vatAmount: 50,
    },
  ],
  vat: { treatment: 'STANDARD', rateBps: 2000, mention: null },
  taxableAmount: 1050,
  vatAmount: 210,
  total: 1260,
};

const germanBusiness: LegalInvoiceDocument = {
  ...domesticConsumer,
  number: 'F2026-000102',
  buyer: {
    legalName: 'Müller & Söhne GmbH',
    address: {
      line1: 'Hauptstraße 5',
      line2: 'Hinterhaus',
      postalCode: '10115',
      city: 'Berlin',
      region: 'Berlin',
      country: 'DE',
    },
    vatNumber: 'DE136695976',
  },
  businessTerms: ['Payment terms: Payable on receipt.'],
  lines: [
    {
      description: 'Cloud storage subscription, Pro plan, 1 TB',
      periodStart: '2026-11-01',
      periodEnd: '2026-12-01',
      quantity: 2,
      unitAmount: 1600,
      discountAmount: 200,
      amount: 3000,
      vatAmount: 0,
    },
    {
      description: 'Setup',
      periodStart: null,
      periodEnd: null,
      quantity: 1,
      unitAmount: 500,
      discountAmount: 0,
      amount: 500,
      vatAmount: 0,
    },
  ],
  vat: { treatment: 'REVERSE_CHARGE', rateBps: 0, mention: REVERSE_CHARGE_MENTION },
  taxableAmount: 3500,
  vatAmount: 0,
  total: 3500,
};

const frenchBusiness: LegalInvoiceDocument = {
  ...domesticConsumer,
  number: 'F2026-000104',
  buyer: {
    legalName: 'Dupont et Fils SARL',
    address: {
      line1: '3 quai des Chartrons',
      line2: null,
      postalCode: '33000',
      city: 'Bordeaux',
      region: null,
      country: 'FR',
    },
    vatNumber: null,
  },
  buyerSiren: '732829320',
  businessTerms: [
    'Operations: supplies of services only / opérations : prestations de services exclusivement.',
    'Customer SIREN / SIREN du client : 732829320',
    'Payment terms: Payable on receipt.',
  ],
};

const outsideTheEu: LegalInvoiceDocument = {
  ...domesticConsumer,
  number: 'F2026-000103',
  buyer: {
    legalName: 'Acme Corporation',
    address: {
      line1: '1 Market Street',
      line2: null,
      postalCode: '94105',
      city: 'San Francisco',
      region: 'CA',
      country: 'US',
    },
    vatNumber: null,
  },
  lines: [
    {
      description: 'Cloud storage subscription, Pro plan, 1 TB',
      periodStart: '2026-11-27',
      periodEnd: '2026-12-27',
      quantity: 1,
      unitAmount: 1200,
      discountAmount: 0,
      amount: 1200,
      vatAmount: 0,
    },
  ],
  vat: { treatment: 'OUT_OF_SCOPE', rateBps: 0, mention: OUT_OF_SCOPE_MENTION },
  taxableAmount: 1200,
  vatAmount: 0,
  total: 1200,
};

/** A downgrade's credit: the unused time of the old plan, less the new plan's remaining time (19 %, DE). */
const creditNote: LegalInvoiceDocument = {
  ...domesticConsumer,
  kind: 'CREDIT_NOTE',
  number: 'A2026-000001',
  corrects: { number: 'F2026-000090', issueDate: '2026-11-02' },
  reason: 'Credit for the unused time of the previous plan',
  buyer: {
    legalName: 'Jürgen Schmidt',
    address: { line1: 'Lindenallee 2', line2: null, postalCode: '50968', city: 'Köln', region: null, country: 'DE' },
    vatNumber: null,
  },
  lines: [
    {
      description: 'Unused time on Pro plan',
      periodStart: '2026-11-15',
      periodEnd: '2026-12-02',
      quantity: 1,
      unitAmount: -1100,
      discountAmount: 0,
      amount: -1100,
      vatAmount: -209,
    },
    {
      description: 'Remaining time on Lite plan',
      periodStart: '2026-11-15',
      periodEnd: '2026-12-02',
      quantity: 1,
      unitAmount: 300,
      discountAmount: 0,
      amount: 300,
      vatAmount: 57,
    },
  ],
  vat: { treatment: 'STANDARD', rateBps: 1900, mention: null },
  taxableAmount: -800,
  vatAmount: -152,
  total: -952,
};

/** `12.34` → 1234 (EUR), exactly: the XML's decimal figures back to minor units. */
function minor(decimal: string): number {
  const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(decimal.trim());
  if (!match) throw new Error(`not an amount with at most 2 decimals: ${decimal}`);
  const [, minus, whole = '0', fraction = ''] = match;
  return (minus ? -1 : 1) * (Number(whole) * 100 + Number(fraction.padEnd(2, '0')));
}

const SETTLEMENT = 'rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement';
const AGREEMENT = 'rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement';
const TOTALS = `${SETTLEMENT}/ram:SpecifiedTradeSettlementHeaderMonetarySummation`;

interface Made {
  file: FacturXFile;
  cii: CiiDocument;
  pdf: Buffer;
  visual: Buffer;
}

async function make(document: LegalInvoiceDocument): Promise<Made> {
  const visual = await renderInvoicePdf(document);
  const pdf = await renderFacturX(document, visual);
  const file = await readFacturX(pdf);
  return { file, cii: new CiiDocument(file.xml), pdf, visual };
}

describe('the Factur-X e-invoice (EN 16931 profile)', () => {
  const cases: [string, LegalInvoiceDocument][] = [
    ['a domestic sale to a French consumer', domesticConsumer],
    ['a reverse-charged sale to a German business', germanBusiness],
    ['a domestic sale to a French business', frenchBusiness],
    ['a sale outside the EU (out of scope)', outsideTheEu],
    ['a credit note', creditNote],
  ];
  const made = new Map<LegalInvoiceDocument, Made>();
  beforeAll(async () => {
    for (const [, document] of cases) made.set(document, await make(document));
  });
  const of = (document: LegalInvoiceDocument) => made.get(document) as Made;

  describe.each(cases)('of %s', (_name, document) => {
    // A credit note (381) states what it gives back as positive figures.
    const sign = document.kind === 'CREDIT_NOTE' ? -1 : 1;

    it('is valid against the official Factur-X 1.07.3 EN 16931 XSD', async () => {
      expect(await facturXSchemaErrors(of(document).file.xml)).toEqual([]);
    });

    it('is a PDF/A-3 with factur-x.xml attached as its alternative representation and the fx: XMP metadata', () => {
      const { file } = of(document);
      expect(file.attachment).toEqual({
        name: 'factur-x.xml',
        mimeType: 'text/xml',
        afRelationship: AFRelationship.Alternative,
      });
      expect(file.catalogHasAssociatedFiles).toBe(true);
      expect(file.xmp).toContain('<pdfaid:part>3</pdfaid:part>');
      expect(file.xmp).toContain('xmlns:fx="urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"');
      expect(file.xmp).toContain('<fx:DocumentFileName>factur-x.xml</fx:DocumentFileName>');
      expect(file.xmp).toContain('<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>');
    });

    it('still reads as the legal invoice PDF it was made from', async () => {
      const { pdf, visual } = of(document);
      expect(await pdfText(pdf)).toBe(await pdfText(visual));
    });

    it('states the document’s number, date, type, currency and the EN 16931 specification (BT-1, 2, 3, 5, 24)', () => {
      const { cii } = of(document);
      expect(cii.rootName).toBe('urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100#CrossIndustryInvoice');
      expect(cii.text('rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID')).toBe(
        'urn:cen.eu:en16931:2017',
      );
      expect(cii.text('rsm:ExchangedDocument/ram:ID')).toBe(document.number);
      expect(cii.text('rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString')).toBe(
        document.issueDate.replaceAll('-', ''),
      );
      expect(cii.text('rsm:ExchangedDocument/ram:TypeCode')).toBe(document.kind === 'CREDIT_NOTE' ? '381' : '380');
      expect(cii.text(`${SETTLEMENT}/ram:InvoiceCurrencyCode`)).toBe(document.currency);
    });

    it('names the seller and the buyer as the legal invoice does (BT-27, BT-44, their countries)', () => {
      const { cii } = of(document);
      expect(cii.text(`${AGREEMENT}/ram:SellerTradeParty/ram:Name`)).toBe(document.seller.legalName);
      expect(cii.text(`${AGREEMENT}/ram:SellerTradeParty/ram:PostalTradeAddress/ram:CountryID`)).toBe('FR');
      expect(cii.text(`${AGREEMENT}/ram:BuyerTradeParty/ram:Name`)).toBe(document.buyer.legalName);
      expect(cii.text(`${AGREEMENT}/ram:BuyerTradeParty/ram:PostalTradeAddress/ram:CountryID`)).toBe(
        document.buyer.address.country,
      );
    });

    it('delivers the service where the buyer is, the place of supply (BG-15, in the delivery block CII requires)', () => {
      const { cii } = of(document);
      const deliverTo = 'rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeDelivery/ram:ShipToTradeParty';
      expect(cii.text(`${deliverTo}/ram:PostalTradeAddress/ram:CountryID`)).toBe(document.buyer.address.country);
      expect(cii.text(`${deliverTo}/ram:PostalTradeAddress/ram:CityName`)).toBe(document.buyer.address.city);
    });

    it('has totals equal to the legal invoice’s, consistent with each other (BT-106, 109, 110, 112, 115; BR-CO-10..16)', () => {
      const { cii } = of(document);
      const total = (term: string) => minor(cii.text(`${TOTALS}/ram:${term}`));
      expect(total('LineTotalAmount')).toBe(sign * document.lines.reduce((sum, line) => sum + line.amount, 0));
      expect(total('TaxBasisTotalAmount')).toBe(sign * document.taxableAmount);
      expect(total('TaxTotalAmount')).toBe(sign * document.vatAmount);
      expect(total('GrandTotalAmount')).toBe(sign * document.total);
      expect(total('DuePayableAmount')).toBe(sign * document.total);
      expect(cii.all(`${TOTALS}/ram:TaxTotalAmount`)[0]?.getAttribute('currencyID')).toBe(document.currency);
      expect(total('GrandTotalAmount')).toBe(total('TaxBasisTotalAmount') + total('TaxTotalAmount'));
    });

    it('has one VAT breakdown whose amounts are the invoice’s and obey BR-CO-17 (BG-23)', () => {
      const { cii } = of(document);
      const [breakdown, ...others] = cii.all(`${SETTLEMENT}/ram:ApplicableTradeTax`);
      expect(others).toHaveLength(0);
      expect(cii.text('ram:TypeCode', breakdown)).toBe('VAT');
      const basis = minor(cii.text('ram:BasisAmount', breakdown));
      const vat = minor(cii.text('ram:CalculatedAmount', breakdown));
      expect(basis).toBe(sign * document.taxableAmount);
      expect(vat).toBe(sign * document.vatAmount);
      const percent = cii.optional('ram:RateApplicablePercent', breakdown);
      if (percent !== null)
        expect(Math.abs(vat - lineVat(basis, Math.round(Number(percent) * 100)))).toBeLessThanOrEqual(1);
    });

    it('has the legal invoice’s lines: net amount = quantity × a non-negative net price − allowances + charges (BR-27, BR-CO-10)', () => {
      const { cii } = of(document);
      const lines = cii.all('rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem');
      expect(lines).toHaveLength(document.lines.length);
      lines.forEach((line, index) => {
        const stated = document.lines[index];
        expect(cii.text('ram:SpecifiedTradeProduct/ram:Name', line)).toBe(stated?.description);
        const net = minor(
          cii.text(
            'ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount',
            line,
          ),
        );
        expect(net).toBe(sign * (stated?.amount ?? NaN));
        const price = minor(
          cii.text('ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:ChargeAmount', line),
        );
        expect(price).toBeGreaterThanOrEqual(0);
        const quantity = Number(cii.text('ram:SpecifiedLineTradeDelivery/ram:BilledQuantity', line));
        const adjustments = cii
          .all('ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeAllowanceCharge', line)
          .reduce((sum, adjustment) => {
            const amount = minor(cii.text('ram:ActualAmount', adjustment));
            return sum + (cii.text('ram:ChargeIndicator/udt:Indicator', adjustment) === 'true' ? amount : -amount);
          }, 0);
        expect(quantity * price + adjustments).toBe(net);
        expect(cii.text('ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/ram:CategoryCode', line)).toBe(
          cii.text(`${SETTLEMENT}/ram:ApplicableTradeTax/ram:CategoryCode`),
        );
      });
    });
  });

  const vatIds = (cii: CiiDocument, party: 'Seller' | 'Buyer') =>
    cii
      .all(`${AGREEMENT}/ram:${party}TradeParty/ram:SpecifiedTaxRegistration/ram:ID`)
      .map((id) => [id.getAttribute('schemeID'), id.textContent]);
  const breakdown = (cii: CiiDocument, term: string) =>
    cii.optional(`${SETTLEMENT}/ram:ApplicableTradeTax/ram:${term}`);

  it('charges a French consumer the standard rate: category S at 20 %, the seller’s VAT number, none for the buyer', () => {
    const { cii } = of(domesticConsumer);
    expect(breakdown(cii, 'CategoryCode')).toBe('S');
    expect(breakdown(cii, 'RateApplicablePercent')).toBe('20');
    expect(breakdown(cii, 'ExemptionReasonCode')).toBeNull();
    expect(vatIds(cii, 'Seller')).toEqual([['VA', 'FR40303265045']]);
    expect(vatIds(cii, 'Buyer')).toEqual([]);
  });

  it('reverse-charges a German business: category AE at 0 %, VATEX-EU-AE with the Autoliquidation mention, both VAT numbers', () => {
    const { cii } = of(germanBusiness);
    expect(breakdown(cii, 'CategoryCode')).toBe('AE');
    expect(breakdown(cii, 'RateApplicablePercent')).toBe('0');
    expect(breakdown(cii, 'ExemptionReasonCode')).toBe('VATEX-EU-AE');
    expect(breakdown(cii, 'ExemptionReason')).toBe(REVERSE_CHARGE_MENTION);
    expect(vatIds(cii, 'Seller')).toEqual([['VA', 'FR40303265045']]);
    expect(vatIds(cii, 'Buyer')).toEqual([['VA', 'DE136695976']]);
  });

  it('identifies a French business buyer by its SIREN (BT-47), as the 2026 e-invoicing reform routes by it', () => {
    const { cii } = of(frenchBusiness);
    const siren = cii.all(`${AGREEMENT}/ram:BuyerTradeParty/ram:SpecifiedLegalOrganization/ram:ID`);
    expect(siren.map((id) => [id.getAttribute('schemeID'), id.textContent])).toEqual([['0002', '732829320']]);
    expect(cii.all(`${AGREEMENT}/ram:BuyerTradeParty/ram:SpecifiedLegalOrganization/ram:ID`)).toHaveLength(1);
    expect(of(germanBusiness).cii.all(`${AGREEMENT}/ram:BuyerTradeParty/ram:SpecifiedLegalOrganization`)).toEqual([]);
  });

  it('states a supply outside the EU as not subject to VAT: category O, no rate, VATEX-EU-O, no VAT number, the seller’s SIREN (BR-O-2, BR-CO-26)', () => {
    const { cii } = of(outsideTheEu);
    expect(breakdown(cii, 'CategoryCode')).toBe('O');
    expect(breakdown(cii, 'RateApplicablePercent')).toBeNull();
    expect(breakdown(cii, 'ExemptionReasonCode')).toBe('VATEX-EU-O');
    expect(breakdown(cii, 'ExemptionReason')).toBe(OUT_OF_SCOPE_MENTION);
    expect(vatIds(cii, 'Seller')).toEqual([]);
    expect(vatIds(cii, 'Buyer')).toEqual([]);
    const siren = cii.all(`${AGREEMENT}/ram:SellerTradeParty/ram:SpecifiedLegalOrganization/ram:ID`);
    expect(siren.map((id) => [id.getAttribute('schemeID'), id.textContent])).toEqual([['0002', '303265045']]);
  });

  it('makes a credit note a 381 naming the invoice it corrects (BT-25), at that invoice’s rate', () => {
    const { cii } = of(creditNote);
    expect(cii.text(`${SETTLEMENT}/ram:InvoiceReferencedDocument/ram:IssuerAssignedID`)).toBe('F2026-000090');
    expect(breakdown(cii, 'CategoryCode')).toBe('S');
    expect(breakdown(cii, 'RateApplicablePercent')).toBe('19');
    expect(cii.text('rsm:ExchangedDocument/ram:IncludedNote/ram:Content')).toBe(creditNote.reason);
  });

  it('has the XSD check name what breaks the schema (an element out of place, an amount that is not a number)', async () => {
    const { xml } = of(domesticConsumer).file;
    const misplaced = xml.replace('<rsm:ExchangedDocument>', '<rsm:ExchangedDocument><ram:Unknown>x</ram:Unknown>');
    expect(misplaced).not.toBe(xml);
    expect((await facturXSchemaErrors(misplaced)).join('\n')).toMatch(/Unknown.*not expected/);
    const badAmount = xml.replace(/(<ram:GrandTotalAmount[^>]*>)12\.60/, '$112,60');
    expect(badAmount).not.toBe(xml);
    expect((await facturXSchemaErrors(badAmount)).join('\n')).toMatch(/GrandTotalAmount.*'12,60'/);
  });

  it('refuses a document the library’s EN 16931 schema rejects, saying why', async () => {
    const broken = { ...domesticConsumer, issueDate: '27/11/2026' };
    await expect(renderFacturX(broken, of(domesticConsumer).visual)).rejects.toThrow(
      /F2026-000101 could not be made: .*IssueDate/s,
    );
  });
});
