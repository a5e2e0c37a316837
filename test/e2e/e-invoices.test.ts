import { createHash } from 'node:crypto';
import { BillingHarness, type Actor } from '../support/billing-harness';
import { startTestApp, type TestApp } from '../support/test-app';
import { describeEachDatabase } from '../support/test-database';
import { CiiDocument, readFacturX } from '../invoices/factur-x-reader';
import { keepArtifact } from '../invoices/pdf-artifacts';

const INVOICES = `query($user: ID!) { billingProfile(owner: { userId: $user }) { invoices(first: 10) { edges { node {
  id kind number correctsInvoiceNumber vatTreatment vatRateBasisPoints pdfUrl eInvoiceUrl
  subtotal { amount currency } tax { amount } total { amount }
} } } } }`;

const SETTLEMENT = 'rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement';
const TOTALS = `${SETTLEMENT}/ram:SpecifiedTradeSettlementHeaderMonetarySummation`;
const cents = (decimal: string) => Math.round(Number(decimal) * 100);

describeEachDatabase('Factur-X e-invoices of issued invoices and credit notes (%s)', (kind) => {
  let t: TestApp;
  let h: BillingHarness;

  beforeAll(async () => {
    t = await startTestApp(kind);
    h = new BillingHarness(t);
  });
  afterAll(() => t.close());

  async function subscribed(user: string, identity: string): Promise<Actor> {
    const actor = { token: await t.token({ sub: user }) };
    await h.mutate(actor, `mutation { updateBillingProfile(input: ${identity}) { id } }`);
    await h.savePaymentMethod(actor, 'pm_card_visa');
    expect((await h.subscribe(actor, 'lite')).__typename).toBe('Subscribed');
    return actor;
  }

  async function documentsOf(actor: Actor, user: string): Promise<any[]> {
    const res = await t.graphql<any>(INVOICES, { token: actor.token, variables: { user } });
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data.billingProfile.invoices.edges.map((edge: any) => edge.node);
  }

  async function download(url: string) {
    const link = new URL(url);
    const response = await fetch(`${t.url}${link.pathname}${link.search}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    return { bytes: Buffer.from(await response.arrayBuffer()), headers: response.headers };
  }

  const cases = [
    {
      name: 'a French consumer',
      user: 'fx-fr',
      identity:
        '{ legalName: "Jean Dupont", addressLine1: "2 rue A", city: "Lyon", postalCode: "69001", country: "FR" }',
      category: 'S',
      percent: '20',
      buyerVat: [],
    },
    {
      name: 'a reverse-charged German business',
      user: 'fx-de',
      identity:
        '{ legalName: "Muster GmbH", addressLine1: "Hauptstr. 2", city: "Berlin", postalCode: "10115", country: "DE", vatNumber: "DE136695976" }',
      category: 'AE',
      percent: '0',
      buyerVat: ['DE136695976'],
    },
    {
      name: 'an American consumer, out of scope',
      user: 'fx-us',
      identity:
        '{ legalName: "John Doe", addressLine1: "1 Main St", city: "Boston", postalCode: "02108", country: "US" }',
      category: 'O',
      percent: null,
      buyerVat: [],
    },
  ];

  it.each(cases)(
    'serves the invoice of $name as a Factur-X whose XML states its number, VAT and totals',
    async ({ user, identity, category, percent, buyerVat }) => {
      const actor = await subscribed(user, identity);
      const [invoice] = await documentsOf(actor, user);
      const { bytes, headers } = await download(invoice.eInvoiceUrl);
      expect(headers.get('content-disposition')).toBe(`inline; filename="${invoice.number}.factur-x.pdf"`);
      expect(headers.get('x-document-sha256')).toBe(createHash('sha256').update(bytes).digest('hex'));
      const file = await readFacturX(bytes);
      expect(file.attachment.name).toBe('factur-x.xml');
      const cii = new CiiDocument(file.xml);
      expect(cii.text('rsm:ExchangedDocument/ram:ID')).toBe(invoice.number);
      expect(cii.text('rsm:ExchangedDocument/ram:TypeCode')).toBe('380');
      expect(cii.text(`${SETTLEMENT}/ram:ApplicableTradeTax/ram:CategoryCode`)).toBe(category);
      expect(cii.optional(`${SETTLEMENT}/ram:ApplicableTradeTax/ram:RateApplicablePercent`)).toBe(percent);
      expect(cents(cii.text(`${TOTALS}/ram:TaxBasisTotalAmount`))).toBe(invoice.subtotal.amount);
      expect(cents(cii.text(`${TOTALS}/ram:TaxTotalAmount`))).toBe(invoice.tax.amount);
      expect(cents(cii.text(`${TOTALS}/ram:GrandTotalAmount`))).toBe(invoice.total.amount);
      const buyerVatIds = cii.all(
        'rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement/ram:BuyerTradeParty/ram:SpecifiedTaxRegistration/ram:ID',
      );
      expect(buyerVatIds.map((id) => id.textContent)).toEqual(buyerVat);
      if (category === 'AE') keepArtifact('e-invoice-reverse-charge', bytes);
    },
  );

  it('stores the e-invoice once at issue, beside the PDF it embeds, and returns those bytes at every download', async () => {
    const actor = { token: await t.token({ sub: 'fx-fr' }) };
    const [invoice] = await documentsOf(actor, 'fx-fr');
    const row = await t.db.prisma.invoice.findUniqueOrThrow({ where: { id: invoice.id } });
    expect(row.eInvoice).not.toBeNull();
    expect(row.eInvoiceSha256).toBe(createHash('sha256').update(row.eInvoice!).digest('hex'));
    const first = await download(invoice.eInvoiceUrl);
    const again = await download((await documentsOf(actor, 'fx-fr'))[0].eInvoiceUrl);
    expect(first.bytes.equals(Buffer.from(row.eInvoice!))).toBe(true);
    expect(again.bytes.equals(first.bytes)).toBe(true);
    await expect(
      t.db.prisma.invoice.update({ where: { id: invoice.id }, data: { eInvoice: new Uint8Array([1, 2, 3]) } }),
    ).rejects.toThrow(/legal content cannot change/);
  });

  it('makes a credit note a 381 naming the invoice it corrects, with positive amounts equal to its own', async () => {
    const actor = { token: await t.token({ sub: 'fx-de' }) };
    const [invoice] = await documentsOf(actor, 'fx-de');
    await t.app.domain.services.creditNotes.issueCreditNote(invoice.id, invoice.total.amount, 'Refund on cancellation');
    const credit = (await documentsOf(actor, 'fx-de')).find((document) => document.kind === 'CREDIT_NOTE');
    const cii = new CiiDocument((await readFacturX((await download(credit.eInvoiceUrl)).bytes)).xml);
    expect(cii.text('rsm:ExchangedDocument/ram:ID')).toBe(credit.number);
    expect(cii.text('rsm:ExchangedDocument/ram:TypeCode')).toBe('381');
    expect(cii.text(`${SETTLEMENT}/ram:InvoiceReferencedDocument/ram:IssuerAssignedID`)).toBe(invoice.number);
    expect(cents(cii.text(`${TOTALS}/ram:GrandTotalAmount`))).toBe(-credit.total.amount);
    expect(cii.text(`${SETTLEMENT}/ram:ApplicableTradeTax/ram:CategoryCode`)).toBe('AE');
  });

  it('refuses an e-invoice link used for the PDF, and a PDF link used for the e-invoice', async () => {
    const actor = { token: await t.token({ sub: 'fx-us' }) };
    const [invoice] = await documentsOf(actor, 'fx-us');
    const eInvoice = new URL(invoice.eInvoiceUrl);
    const pdf = new URL(invoice.pdfUrl);
    for (const path of [
      `/invoices/${invoice.id}.pdf${eInvoice.search}`,
      `/invoices/${invoice.id}.factur-x.pdf${pdf.search}`,
    ]) {
      expect((await fetch(`${t.url}${path}`)).status).toBe(403);
    }
  });
});
