import { lineVat } from '../../src/billing/vat/vat-amount';
import { calendarDate } from '../../src/billing/calendar-date';
import { BillingHarness, type Actor } from '../support/billing-harness';
import { eventually } from '../support/eventually';
import { startTestApp, type TestApp } from '../support/test-app';

const FIELDS = `id kind number correctsInvoiceNumber vatTreatment vatRateBasisPoints subtotal { amount } tax { amount }
  total { amount } lines { description amount { amount } vat { amount } }`;

// A French consumer (20 %): Pro monthly, then Ultra yearly, then Lite monthly, each change at once. Every
// provider invoice that credits unused time becomes a credit note correcting the invoice that billed that
// time, and an invoice of the new supply; never one document netting both.
describe('the documents of a plan change: Pro monthly → Ultra yearly → Lite monthly', () => {
  let t: TestApp;
  let h: BillingHarness;
  let actor: Actor;
  const user = 'dave';

  beforeAll(async () => {
    t = await startTestApp('pglite');
    h = new BillingHarness(t);
    actor = { token: await t.token({ sub: user }) };
  });
  afterAll(() => t.close());

  const documents = () => h.documents(actor, user, FIELDS);
  const change = async (planId: string, interval: string, count: number) => {
    expect(await h.changePlan(actor, user, planId, interval)).toBe('PlanChanged');
    return eventually(documents, (list) => list.length === count && list.every((d: any) => d.number));
  };
  /** The provider's invoice behind a document issued from it, and the documents issued from it. */
  const providerInvoiceOf = async (documentId: string) => {
    const row = await t.db.prisma.invoice.findUniqueOrThrow({ where: { id: documentId } });
    return h.stripe.invoices.retrieve(row.providerInvoiceId!);
  };
  const byNumber = (list: any[], number: string) => {
    const found = list.find((d) => d.number === number);
    if (!found) throw new Error(`no document ${number} in ${list.map((d) => d.number).join(', ')}`);
    return found;
  };
  const lines = (document: any) =>
    document.lines.map((line: any) => [line.description, line.amount.amount, line.vat.amount]);
  const year = calendarDate(new Date(), 'Europe/Paris').slice(0, 4);

  it('invoices the Pro month', async () => {
    await h.mutate(
      actor,
      `mutation { updateBillingProfile(input: { legalName: "Dave Martin", addressLine1: "1 rue de la Paix", city: "Paris", postalCode: "75002", country: "FR" }) { id } }`,
    );
    await h.savePaymentMethod(actor, 'pm_card_visa');
    expect((await h.subscribe(actor, 'pro')).__typename).toBe('Subscribed');
    const [pro] = await eventually(documents, (list) => list.length === 1 && list[0].number);
    expect(pro).toMatchObject({ kind: 'INVOICE', number: `F${year}-000001`, total: { amount: 1920 } });
  });

  it('upgrading to Ultra yearly credits the unused Pro month on a credit note of F-000001 and invoices the year', async () => {
    const list = await change('ultra', 'YEAR', 3);
    const credit = byNumber(list, `A${year}-000001`);
    const ultra = byNumber(list, `F${year}-000002`);
    expect(credit).toMatchObject({
      kind: 'CREDIT_NOTE',
      correctsInvoiceNumber: `F${year}-000001`,
      vatTreatment: 'STANDARD',
      vatRateBasisPoints: 2000,
      subtotal: { amount: -1600 },
      tax: { amount: -320 },
      total: { amount: -1920 },
    });
    expect(lines(credit)).toEqual([[expect.stringMatching(/^Unused time: .*Pro plan/), -1600, -320]]);
    expect(ultra).toMatchObject({ kind: 'INVOICE', correctsInvoiceNumber: null, vatRateBasisPoints: 2000 });
    expect(lines(ultra)).toEqual([[expect.stringMatching(/Ultra plan/), 32000, 6400]]);
    expect(ultra.total.amount).toBe(38400);

    // The provider charged 364.80 (320.00 − 16.00, VAT 60.80): the two documents together, to the cent.
    const provided = await providerInvoiceOf(ultra.id);
    expect(provided.total).toBe(36480);
    expect(provided.total).toBe(credit.total.amount + ultra.total.amount);
    expect(provided.total - provided.subtotal).toBe(credit.tax.amount + ultra.tax.amount);
  });

  it('downgrading to Lite monthly credits the unused Ultra year on a credit note of F-000002 and invoices the Lite month', async () => {
    const list = await change('lite', 'MONTH', 5);
    const credit = byNumber(list, `A${year}-000002`);
    const lite = byNumber(list, `F${year}-000003`);
    expect(credit).toMatchObject({
      kind: 'CREDIT_NOTE',
      correctsInvoiceNumber: `F${year}-000002`,
      vatRateBasisPoints: 2000,
      subtotal: { amount: -32000 },
      tax: { amount: -6400 },
      total: { amount: -38400 },
    });
    expect(lines(credit)).toEqual([[expect.stringMatching(/^Unused time: .*Ultra plan/), -32000, -6400]]);
    // The Lite month is a new supply: an invoice, not a positive line of the credit note.
    expect(lite).toMatchObject({ kind: 'INVOICE', correctsInvoiceNumber: null, vatRateBasisPoints: 2000 });
    expect(lines(lite)).toEqual([[expect.stringMatching(/Lite plan/), 800, 160]]);
    expect(lite.total.amount).toBe(960);

    // The provider credited 374.40 (−320.00 + 8.00, VAT −62.40): the two documents together, to the cent.
    const provided = await providerInvoiceOf(lite.id);
    expect(provided.total).toBe(-37440);
    expect(provided.total).toBe(credit.total.amount + lite.total.amount);
    expect(provided.total - provided.subtotal).toBe(credit.tax.amount + lite.tax.amount);
  });

  it('never mixes a credit with a supply, never credits more than the corrected invoice, numbers both series without gaps', async () => {
    const list = await documents();
    for (const document of list) {
      const signs = document.lines.map((line: any) => Math.sign(line.amount.amount));
      expect(signs.every((sign: number) => sign === (document.kind === 'CREDIT_NOTE' ? -1 : 1))).toBe(true);
      for (const line of document.lines)
        expect(line.vat.amount).toBe(lineVat(line.amount.amount, document.vatRateBasisPoints));
      expect(document.total.amount).toBe(document.subtotal.amount + document.tax.amount);
    }
    for (const invoice of list.filter((d: any) => d.kind === 'INVOICE')) {
      const credited = list
        .filter((d: any) => d.correctsInvoiceNumber === invoice.number)
        .reduce((sum: number, d: any) => sum - d.subtotal.amount, 0);
      expect(credited).toBeLessThanOrEqual(invoice.subtotal.amount);
    }
    // Each credit note corrects the invoice the provider named as having billed the credited time.
    for (const note of list.filter((d: any) => d.kind === 'CREDIT_NOTE')) {
      const corrected = await t.db.prisma.invoice.findUniqueOrThrow({ where: { number: note.correctsInvoiceNumber } });
      const stored = await t.db.prisma.invoiceLine.findMany({ where: { invoiceId: note.id } });
      expect(stored.map((line) => line.creditsInvoice)).toEqual([corrected.providerInvoiceId]);
    }
    expect(list.map((d: any) => d.number).sort()).toEqual([
      `A${year}-000001`,
      `A${year}-000002`,
      `F${year}-000001`,
      `F${year}-000002`,
      `F${year}-000003`,
    ]);
    // What dave paid over the three provider invoices (19.20 + 364.80 − 374.40) is what the documents state.
    expect(list.reduce((sum: number, d: any) => sum + d.total.amount, 0)).toBe(1920 + 36480 - 37440);
  });

  it('reports in the OSS VAT report (domestic, 20 %) the invoices minus the credit notes: the Lite month', async () => {
    const quarter = `${year}-Q${Math.floor((Number(calendarDate(new Date(), 'Europe/Paris').slice(5, 7)) - 1) / 3) + 1}`;
    const res = await t.graphql<any>(
      `query($q: String!) { vatReport(quarter: $q) { domestic { memberState rateBasisPoints taxable { amount } vat { amount } documents }
        totals { taxable { amount } vat { amount } } } }`,
      { token: await t.token({ sub: 'accountant', roles: ['admin'] }), variables: { q: quarter } },
    );
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    expect(res.data.vatReport.domestic).toEqual([
      { memberState: 'FR', rateBasisPoints: 2000, taxable: { amount: 800 }, vat: { amount: 160 }, documents: 5 },
    ]);
    expect(res.data.vatReport.totals).toEqual([{ taxable: { amount: 800 }, vat: { amount: 160 } }]);
  });
});
