import { BillingHarness, type Actor } from '../support/billing-harness';
import { startTestApp, type TestApp } from '../support/test-app';
import { pdfText } from '../invoices/pdf-text';
import { keepArtifact } from '../invoices/pdf-artifacts';
import { calendarDate } from '../../src/billing/calendar-date';
import { OUT_OF_SCOPE_MENTION, REVERSE_CHARGE_MENTION } from '../../src/billing/vat/vat-treatment';
import { describeEachDatabase } from '../support/test-database';

const INVOICES = `{ billingProfile(owner: { userId: $user }) { invoices(first: 10) { edges { node {
  id number status vatTreatment vatRateBasisPoints vatMention pdfUrl
  subtotal { amount currency } tax { amount } total { amount } amountPaid { amount }
  seller { legalName vatNumber address { country } } buyer { legalName vatNumber address { line1 city country } }
  lines { description quantity unitPrice { amount } amount { amount } proration periodStart periodEnd }
} } } } }`.replace('{ billingProfile', 'query($user: ID!) { billingProfile');

describeEachDatabase('legal invoices and EU VAT (seller in France, %s)', (kind) => {
  let t: TestApp;
  let h: BillingHarness;

  beforeAll(async () => {
    t = await startTestApp(kind);
    h = new BillingHarness(t);
  });
  afterAll(() => t.close());

  async function customerIn(sub: string, identity: string): Promise<Actor> {
    const actor = { token: await t.token({ sub }) };
    await h.mutate(actor, `mutation { updateBillingProfile(input: ${identity}) { id } }`);
    await h.savePaymentMethod(actor, 'pm_card_visa');
    expect((await h.subscribe(actor, 'lite')).__typename).toBe('Subscribed');
    return actor;
  }

  async function invoicesOf(actor: Actor, user: string): Promise<any[]> {
    const res = await t.graphql<any>(INVOICES, { token: actor.token, variables: { user } });
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data.billingProfile.invoices.edges.map((edge: any) => edge.node);
  }

  /** The provider's own amounts for our invoice: what it charged. */
  async function providerAmounts(invoiceId: string) {
    const row = await t.db.prisma.invoice.findUniqueOrThrow({ where: { id: invoiceId } });
    const invoice = await h.stripe.invoices.retrieve(row.providerInvoiceId!);
    return { subtotal: invoice.subtotal, total: invoice.total, paid: invoice.amount_paid };
  }

  const cases = [
    {
      name: 'a French consumer pays French VAT',
      user: 'fr-consumer',
      identity:
        '{ legalName: "Jean Dupont", addressLine1: "2 rue A", city: "Lyon", postalCode: "69001", country: "FR" }',
      treatment: 'STANDARD',
      rate: 2000,
      tax: 160,
      mention: null,
      buyerVat: null,
    },
    {
      name: 'a French business pays French VAT',
      user: 'fr-business',
      identity:
        '{ legalName: "Dupont SARL", addressLine1: "3 rue B", city: "Lyon", postalCode: "69002", country: "FR", vatNumber: "FR40303265045" }',
      treatment: 'STANDARD',
      rate: 2000,
      tax: 160,
      mention: null,
      buyerVat: null,
    },
    {
      name: 'a German consumer pays German VAT',
      user: 'de-consumer',
      identity:
        '{ legalName: "Hans Muster", addressLine1: "Hauptstr. 1", city: "Berlin", postalCode: "10115", country: "DE" }',
      treatment: 'STANDARD',
      rate: 1900,
      tax: 152,
      mention: null,
      buyerVat: null,
    },
    {
      name: 'a German business with a valid number is reverse-charged',
      user: 'de-business',
      identity:
        '{ legalName: "Muster GmbH", addressLine1: "Hauptstr. 2", city: "Berlin", postalCode: "10115", country: "DE", vatNumber: "DE136695976" }',
      treatment: 'REVERSE_CHARGE',
      rate: 0,
      tax: 0,
      mention: REVERSE_CHARGE_MENTION,
      buyerVat: 'DE136695976',
    },
    {
      name: 'an American consumer is out of scope',
      user: 'us-consumer',
      identity:
        '{ legalName: "John Doe", addressLine1: "1 Main St", city: "Boston", postalCode: "02108", country: "US" }',
      treatment: 'OUT_OF_SCOPE',
      rate: 0,
      tax: 0,
      mention: OUT_OF_SCOPE_MENTION,
      buyerVat: null,
    },
  ];

  it.each(cases)(
    '$name, and its totals equal what the provider charged',
    async ({ user, identity, treatment, rate, tax, mention, buyerVat }) => {
      const actor = await customerIn(user, identity);
      const [invoice] = await invoicesOf(actor, user);
      expect(invoice).toMatchObject({
        number: expect.stringMatching(/^F\d{4}-\d{6}$/),
        status: 'PAID',
        vatTreatment: treatment,
        vatRateBasisPoints: rate,
        vatMention: mention,
        subtotal: { amount: 800, currency: 'EUR' },
        tax: { amount: tax },
        total: { amount: 800 + tax },
        seller: { legalName: 'Bloom SAS (development)', vatNumber: 'FR40303265045', address: { country: 'FR' } },
        buyer: { vatNumber: buyerVat },
        lines: [
          expect.objectContaining({
            description: expect.stringMatching(
              /^Cloud storage subscription, Lite plan, 100 GB, \d{4}-\d{2}-\d{2} – \d{4}-\d{2}-\d{2}$/,
            ),
            quantity: 1,
            unitPrice: { amount: 800 },
            amount: { amount: 800 },
            periodStart: expect.any(String),
            periodEnd: expect.any(String),
          }),
        ],
      });
      expect(await providerAmounts(invoice.id)).toEqual({ subtotal: 800, total: 800 + tax, paid: 800 + tax });
    },
  );

  it('numbers issued invoices gaplessly, in issue order', async () => {
    const numbers = (
      await t.db.prisma.invoice.findMany({ where: { number: { not: null } }, orderBy: { sequence: 'asc' } })
    ).map((i) => i.sequence);
    expect(numbers.length).toBeGreaterThanOrEqual(cases.length);
    expect(numbers).toEqual(numbers.map((_, i) => i + 1));
  });

  it('keeps an issued invoice as issued; a new VAT situation applies to the next invoice only', async () => {
    const actor = { token: await t.token({ sub: 'de-consumer' }) };
    const [before] = await invoicesOf(actor, 'de-consumer');
    await h.mutate(
      actor,
      `mutation { updateBillingProfile(input: { legalName: "Muster AG", addressLine1: "Neue Str. 9", city: "Munich", postalCode: "80331", country: "DE", vatNumber: "DE136695976" }) { id } }`,
    );
    const version = (
      await t.db.prisma.subscription.findFirstOrThrow({
        where: { customer: { userId: 'de-consumer' }, status: 'ACTIVE' },
      })
    ).version;
    const { changePlan } = await h.mutate(
      actor,
      `mutation($v: Int!) { changePlan(planId: "pro", interval: MONTH, expectedVersion: $v) { __typename } }`,
      { v: version },
    );
    expect(changePlan.__typename).toBe('PlanChanged');
    const invoices = await invoicesOf(actor, 'de-consumer');
    const first = invoices.find((invoice) => invoice.id === before.id);
    // The link is signed anew at each read (its expiry moves); everything the invoice states must not.
    expect({ ...first, pdfUrl: undefined }).toEqual({ ...before, pdfUrl: undefined });
    const next = invoices.find((invoice) => invoice.id !== before.id && invoice.vatTreatment === 'REVERSE_CHARGE');
    expect(next).toMatchObject({
      tax: { amount: 0 },
      buyer: { legalName: 'Muster AG', vatNumber: 'DE136695976' },
    });
    // The unused time of the consumer's month is credited as it was invoiced: 19 %, a credit note of its own.
    const credit = await t.db.prisma.invoice.findFirstOrThrow({
      where: { customer: { userId: 'de-consumer' }, kind: 'CREDIT_NOTE' },
    });
    expect(credit).toMatchObject({ correctsInvoiceId: before.id, vatTreatment: 'STANDARD', vatRateBps: 1900 });
    expect((await providerAmounts(next.id)).total).toBe(next.total.amount + credit.total);
  });

  it('serves the PDF through a short-lived signed link, with every legal field', async () => {
    const actor = { token: await t.token({ sub: 'de-business' }) };
    const [invoice] = await invoicesOf(actor, 'de-business');
    const link = new URL(invoice.pdfUrl);
    const response = await fetch(`${t.url}${link.pathname}${link.search}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    const pdf = Buffer.from(await response.arrayBuffer());
    keepArtifact('invoice-reverse-charge', pdf);
    const text = (await pdfText(pdf)).replace(/\s+/g, ' ');
    for (const field of [
      invoice.number,
      'Bloom SAS (development)',
      'FR40303265045',
      'Muster GmbH',
      'DE136695976',
      'Hauptstr. 2',
      'Berlin',
      'Reverse charge',
      'Article 196',
      'Autoliquidation',
      'SIREN 303265045',
      '40 EUR',
      'Payment terms:',
    ]) {
      expect(text).toContain(field);
    }
  });

  it('refuses a tampered or foreign link', async () => {
    const actor = { token: await t.token({ sub: 'us-consumer' }) };
    const [invoice] = await invoicesOf(actor, 'us-consumer');
    const link = new URL(invoice.pdfUrl);
    const other = (await t.db.prisma.invoice.findFirstOrThrow({ where: { customer: { userId: 'fr-consumer' } } })).id;
    // One character of the signature changed, to one it is not (a fixed one would be it once in 64 links).
    const tampered = new URL(link);
    const signature = link.searchParams.get('signature')!;
    tampered.searchParams.set('signature', `${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`);
    for (const path of [
      `${tampered.pathname}${tampered.search}`,
      `/invoices/${other}.pdf${link.search}`,
      link.pathname,
    ]) {
      const response = await fetch(`${t.url}${path}`);
      expect(response.status).toBe(403);
    }
  });

  it('reports the quarter’s VAT (OSS per member state and rate, reverse charge per VAT number, domestic, out of scope), netting credit notes', async () => {
    const refunded = await t.db.prisma.invoice.findFirstOrThrow({
      where: { customer: { userId: 'fr-consumer' }, kind: 'INVOICE' },
    });
    await t.app.domain.services.creditNotes.issueCreditNote(refunded.id, refunded.total, 'Refund on cancellation');
    const today = calendarDate(new Date(), 'Europe/Paris');
    const quarter = `${today.slice(0, 4)}-Q${Math.floor((Number(today.slice(5, 7)) - 1) / 3) + 1}`;
    const query = `query($q: String!) { vatReport(quarter: $q) {
      from to sellerCountry csv
      oneStopShop { memberState rateBasisPoints taxable { amount currency } vat { amount } documents }
      reverseCharged { memberState buyerVatNumber taxable { amount } vat { amount } documents }
      domestic { memberState rateBasisPoints taxable { amount } vat { amount } documents }
      outOfScope { taxable { amount } vat { amount } }
      totals { taxable { amount currency } vat { amount } documents }
    } }`;
    const denied = await t.graphql<any>(query, {
      token: await t.token({ sub: 'fr-consumer' }),
      variables: { q: quarter },
    });
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const res = await t.graphql<any>(query, {
      token: await t.token({ sub: 'accountant', roles: ['admin'] }),
      variables: { q: quarter },
    });
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    const report = res.data.vatReport;
    expect(report.sellerCountry).toBe('FR');
    // The German consumer's month at 19 %, less the credit note of its unused time when it upgraded as a business.
    const upgradeCredit = await t.db.prisma.invoice.findFirstOrThrow({
      where: { customer: { userId: 'de-consumer' }, kind: 'CREDIT_NOTE' },
    });
    const oss = { taxable: 800 + upgradeCredit.subtotal, vat: 152 + upgradeCredit.taxAmount };
    expect(upgradeCredit.subtotal).toBeLessThan(0);
    expect(report.oneStopShop).toEqual([
      {
        memberState: 'DE',
        rateBasisPoints: 1900,
        taxable: { amount: oss.taxable, currency: 'EUR' },
        vat: { amount: oss.vat },
        documents: 2,
      },
    ]);
    // The French consumer's invoice and its credit note cancel out; the French business's remains.
    expect(report.domestic).toEqual([
      { memberState: 'FR', rateBasisPoints: 2000, taxable: { amount: 800 }, vat: { amount: 160 }, documents: 3 },
    ]);
    expect(report.reverseCharged).toEqual([
      expect.objectContaining({ memberState: 'DE', buyerVatNumber: 'DE136695976', vat: { amount: 0 } }),
    ]);
    expect(report.outOfScope).toEqual([{ taxable: { amount: 800 }, vat: { amount: 0 } }]);

    // The totals are the period's invoices minus its credit notes, and the sum of the sections.
    const sum = async (kind: 'INVOICE' | 'CREDIT_NOTE') =>
      (
        await t.db.prisma.invoice.aggregate({
          where: { kind, issuedAt: { not: null } },
          _sum: { subtotal: true, taxAmount: true },
        })
      )._sum;
    const [invoices, credits] = [await sum('INVOICE'), await sum('CREDIT_NOTE')];
    expect(credits.subtotal).toBe(-800 + upgradeCredit.subtotal);
    const [total] = report.totals;
    expect(total.taxable.amount).toBe((invoices.subtotal ?? 0) + (credits.subtotal ?? 0));
    expect(total.vat.amount).toBe((invoices.taxAmount ?? 0) + (credits.taxAmount ?? 0));
    const sections = [...report.oneStopShop, ...report.reverseCharged, ...report.domestic, ...report.outOfScope];
    expect(sections.reduce((acc: number, line: any) => acc + line.taxable.amount, 0)).toBe(total.taxable.amount);
    expect(report.csv.split('\r\n')).toEqual(
      expect.arrayContaining([`oss,DE,,1900,EUR,${oss.taxable},${oss.vat},2`, 'domestic,FR,,2000,EUR,800,160,3']),
    );
  });

  it('refuses a quarter that is not one', async () => {
    const res = await t.graphql<any>(`{ vatReport(quarter: "2026-Q5") { from } }`, {
      token: await t.token({ sub: 'accountant', roles: ['admin'] }),
    });
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
