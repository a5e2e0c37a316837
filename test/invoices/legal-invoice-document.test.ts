import type { Customer } from '../../src/billing/customers/customer';
import { buyerSnapshot as snapshotOfBuyer } from '../../src/billing/invoices/invoice-issuer';
import { renderInvoicePdf } from '../../src/billing/invoices/invoice-pdf';
import { InvoiceRepository } from '../../src/billing/invoices/invoice-repository';
import { BUYER_NOT_PROVIDED, legalInvoiceDocument } from '../../src/billing/invoices/legal-invoice';
import { decideVat } from '../../src/billing/vat/vat-treatment';
import { customerFor, invoiceFor } from '../support/factories';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../support/test-database';
import { pdfText } from './pdf-text';

const sellerSnapshot = {
  legalName: 'Bitflow SAS',
  addressLine1: '12 rue de la Paix',
  addressLine2: null,
  postalCode: '75002',
  city: 'Paris',
  region: null,
  country: 'FR',
  vatNumber: 'FR40303265045',
};
const buyerSnapshot = {
  legalName: 'Muster GmbH',
  addressLine1: 'Hauptstraße 5',
  addressLine2: null,
  postalCode: '10115',
  city: 'Berlin',
  region: null,
  country: 'DE',
  vatNumber: 'DE136695976',
};

describe.each(databaseKinds)('the legal document of a stored invoice on %s', (kind) => {
  let db: TestDatabase;
  let customerId: string;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
    await db.prisma.plan.create({
      data: { id: 'free', name: 'Free', driveStorageBytes: 100_000_000n, parallelDownloads: 4, isDefault: true },
    });
    customerId = (await customerFor(db.prisma, { userId: `document-${kind}` })).id;
  });
  afterAll(() => db.close());

  const stored = async (fields: Parameters<typeof invoiceFor>[2] = {}) => {
    const { id } = await invoiceFor(db.prisma, customerId, fields);
    const invoices = new InvoiceRepository(db.prisma);
    return { ...(await invoices.findById(id))!, lines: await invoices.findLinesByInvoiceIds([id]) };
  };

  it('reads a reverse-charged invoice, with its calendar dates in the seller’s time zone', async () => {
    const vat = decideVat({
      sellerCountry: 'FR',
      buyerCountry: 'DE',
      buyerVatNumber: 'DE136695976',
      vatNumberStatus: 'valid',
      supplyDay: '2026-11-30',
    });
    const invoice = await stored({
      number: 'F2026-000007',
      series: 'F2026',
      sequence: 7,
      taxAmount: 0,
      total: 800,
      amountPaid: 800,
      amountDue: 800,
      vatRateBps: vat.rateBps,
      vatTreatment: vat.treatment,
      vatMention: vat.mention,
      sellerSnapshot,
      buyerSnapshot,
      issuedAt: new Date('2026-11-30T23:30:00Z'),
      paidAt: new Date('2026-12-01T08:00:00Z'),
      lines: {
        create: [
          { position: 2, description: 'Extra storage', quantity: 1, unitAmount: 300, discountAmount: 100, amount: 200 },
          {
            position: 1,
            description: 'Lite, monthly',
            quantity: 1,
            unitAmount: 600,
            amount: 600,
            periodStart: new Date('2026-10-31T23:00:00Z'),
            periodEnd: new Date('2026-11-30T23:00:00Z'),
          },
        ],
      },
    });

    const document = legalInvoiceDocument(invoice, invoice.lines, 'Europe/Paris');
    expect(document).toEqual({
      kind: 'INVOICE',
      number: 'F2026-000007',
      corrects: null,
      reason: null,
      issueDate: '2026-12-01',
      currency: 'EUR',
      seller: {
        legalName: 'Bitflow SAS',
        address: {
          line1: '12 rue de la Paix',
          line2: null,
          postalCode: '75002',
          city: 'Paris',
          region: null,
          country: 'FR',
        },
        vatNumber: 'FR40303265045',
      },
      sellerMentions: [],
      sellerSiren: null,
      buyerSiren: null,
      paymentTerms: null,
      businessTerms: null,
      buyer: {
        legalName: 'Muster GmbH',
        address: {
          line1: 'Hauptstraße 5',
          line2: null,
          postalCode: '10115',
          city: 'Berlin',
          region: null,
          country: 'DE',
        },
        vatNumber: 'DE136695976',
      },
      lines: [
        {
          description: 'Lite, monthly',
          periodStart: '2026-11-01',
          periodEnd: '2026-12-01',
          quantity: 1,
          unitAmount: 600,
          discountAmount: 0,
          amount: 600,
          vatAmount: 0,
        },
        {
          description: 'Extra storage',
          periodStart: null,
          periodEnd: null,
          quantity: 1,
          unitAmount: 300,
          discountAmount: 100,
          amount: 200,
          vatAmount: 0,
        },
      ],
      vat: { treatment: 'REVERSE_CHARGE', rateBps: 0, mention: vat.mention },
      taxableAmount: 800,
      vatAmount: 0,
      total: 800,
    });

    const text = await pdfText(await renderInvoicePdf(document));
    expect(text).toContain('Invoice number: F2026-000007');
    expect(text).toContain('VAT number: DE136695976');
  });

  it('says so when a consumer never gave a name or an address, rather than invent them', async () => {
    const issued = {
      number: 'F2026-000950',
      series: 'F2026',
      sequence: 950,
      issuedAt: new Date('2026-11-24T10:00:00Z'),
    };
    const anonymous = await stored({
      ...issued,
      vatTreatment: 'STANDARD',
      sellerSnapshot,
      buyerSnapshot: { country: 'FR' },
    });
    expect(legalInvoiceDocument(anonymous, anonymous.lines, 'UTC').buyer).toEqual({
      legalName: BUYER_NOT_PROVIDED,
      address: { line1: '', line2: null, postalCode: null, city: '', region: null, country: 'FR' },
      vatNumber: null,
    });
  });

  it("carries the French B2B mentions for a French business: services only, its SIREN, the seller's VAT on debits", async () => {
    const dupont = {
      legalName: 'Dupont et Fils SARL',
      addressLine1: '3 quai des Chartrons',
      addressLine2: null,
      postalCode: '33000',
      city: 'Bordeaux',
      region: null,
      country: 'FR',
      vatNumber: 'FR44732829320',
    } as Customer;
    const invoice = await stored({
      number: 'F2026-000960',
      series: 'F2026',
      sequence: 960,
      issuedAt: new Date('2026-11-24T10:00:00Z'),
      vatTreatment: 'STANDARD',
      sellerSnapshot: { ...sellerSnapshot, paymentTerms: 'Payable on receipt.', vatOnDebits: true },
      buyerSnapshot: snapshotOfBuyer(dupont, false),
    });
    const document = legalInvoiceDocument(invoice, invoice.lines, 'UTC');
    expect(document).toMatchObject({ buyerSiren: '732829320', buyer: { vatNumber: null } });
    expect(document.businessTerms).toEqual([
      'Operations: supplies of services only / opérations : prestations de services exclusivement.',
      'Customer SIREN / SIREN du client : 732829320',
      'Option for the payment of VAT on debits / option pour le paiement de la taxe d’après les débits.',
      'Payment terms: Payable on receipt.',
      expect.stringContaining('40 EUR'),
    ]);
    const text = await pdfText(await renderInvoicePdf(document));
    expect(text.replace(/\s+/g, ' ')).toContain('SIREN du client : 732829320');

    // A German business has no SIREN; a consumer gets no business mentions at all.
    const german = snapshotOfBuyer({ ...dupont, country: 'DE', vatNumber: 'DE136695976' } as Customer, true);
    expect(german).toMatchObject({ siren: null, business: true });
    expect(snapshotOfBuyer({ ...dupont, vatNumber: null } as Customer, false)).toMatchObject({
      siren: null,
      business: false,
    });
  });

  it('refuses an invoice that was never issued', async () => {
    const draft = await stored({ status: 'DRAFT', sellerSnapshot, buyerSnapshot });
    expect(() => legalInvoiceDocument(draft, draft.lines, 'UTC')).toThrow(/has not been issued/);
  });

  it('refuses a snapshot without what art. 226 requires', async () => {
    const issued = {
      number: 'F2026-000900',
      series: 'F2026',
      sequence: 900,
      issuedAt: new Date('2026-11-24T10:00:00Z'),
    };
    const noAddress = await stored({
      ...issued,
      vatTreatment: 'REVERSE_CHARGE',
      sellerSnapshot,
      buyerSnapshot: { ...buyerSnapshot, addressLine1: '' },
    });
    expect(() => legalInvoiceDocument(noAddress, noAddress.lines, 'UTC')).toThrow(
      'invoice F2026-000900: the buyer snapshot has no addressLine1',
    );
    const noSellerVat = await stored({
      ...issued,
      number: 'F2026-000901',
      sequence: 901,
      sellerSnapshot: { ...sellerSnapshot, vatNumber: null },
      buyerSnapshot,
    });
    expect(() => legalInvoiceDocument(noSellerVat, noSellerVat.lines, 'UTC')).toThrow(
      'the seller snapshot has no VAT number',
    );
  });
});
