import { calendarDate } from '../../src/billing/calendar-date';
import { EU_STANDARD_VAT_RATES } from '../../src/billing/vat/eu-vat-rates';
import { documentVat } from '../../src/billing/vat/vat-amount';
import type { VatNumberStatus } from '../../src/billing/vat/vat-number-check';
import { BillingHarness, type Actor } from '../support/billing-harness';
import { eventually } from '../support/eventually';
import { startTestApp, type TestApp } from '../support/test-app';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const INVOICES = `query($user: ID!) { billingProfile(owner: { userId: $user }) {
  legalIdentity { vatNumberStatus }
  invoices(first: 10) { edges { node {
    id kind number vatTreatment vatRateBasisPoints vatNumberStatus correctsInvoiceNumber
    subtotal { amount } tax { amount } total { amount } lines { amount { amount } vat { amount } }
  } } } } }`;

/**
 * One VAT decision per supply: what the provider charges is what the invoice states, when a member state
 * changes its rate between two renewals and when the VAT registry answers differently at renewal.
 */
describe('one VAT decision per supply, through renewals', () => {
  let t: TestApp;
  let h: BillingHarness;
  let registry: VatNumberStatus = 'valid';
  // Germany raises its rate to 21 % two weeks from now: after the first invoice, before the first renewal.
  const start = new Date();
  const rateChange = calendarDate(new Date(start.getTime() + 14 * DAY), 'Europe/Paris');
  const rates = { ...EU_STANDARD_VAT_RATES, DE: [...EU_STANDARD_VAT_RATES.DE!, { from: rateChange, rateBps: 2100 }] };

  beforeAll(async () => {
    t = await startTestApp('pglite', {}, { vat: { rates, verifier: { verify: async () => registry } } });
    h = new BillingHarness(t);
  });
  afterAll(() => t.close());

  async function subscribedOnClock(
    sub: string,
    identity: string,
  ): Promise<{ actor: Actor; clock: string; periodEnd: Date }> {
    const actor = { token: await t.token({ sub }) };
    await h.mutate(actor, `mutation { updateBillingProfile(input: ${identity}) { id } }`);
    await h.savePaymentMethod(actor, 'pm_card_visa');
    const clock = await h.putOnTestClock(await h.providerCustomerId({ userId: sub }), start);
    expect((await h.subscribe(actor, 'lite')).__typename).toBe('Subscribed');
    const { subscription } = await h.profile(actor, `{ userId: "${sub}" }`);
    return { actor, clock, periodEnd: new Date(subscription.currentPeriodEnd) };
  }

  async function profileOf(actor: Actor, user: string) {
    const res = await t.graphql<any>(INVOICES, { token: actor.token, variables: { user } });
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data.billingProfile;
  }

  /** Runs one renewal: the provider drafts it, we decide its VAT on the draft, an hour later it is charged. */
  async function renew(user: string, clock: string, periodEnd: Date): Promise<void> {
    await h.advance(clock, new Date(periodEnd.getTime() + 60_000));
    const customer = await h.providerCustomerId({ userId: user });
    await eventually(
      async () => (await h.stripe.invoices.list({ customer, status: 'draft' })).data,
      (drafts) => drafts.length === 1 && Boolean(drafts[0]!.metadata?.vat_decision),
    );
    await h.advance(clock, new Date(periodEnd.getTime() + HOUR + 120_000));
  }

  /** Every issued invoice states rate × taxable amount = VAT, line by line, and that is what was charged. */
  async function expectConsistent(invoices: any[]): Promise<void> {
    for (const invoice of invoices) {
      const lineAmounts = invoice.lines.map((line: any) => line.amount.amount);
      expect(invoice.lines.map((line: any) => line.vat.amount)).toEqual(
        lineAmounts.map((amount: number) => documentVat([amount], invoice.vatRateBasisPoints)),
      );
      expect(invoice.tax.amount).toBe(documentVat(lineAmounts, invoice.vatRateBasisPoints));
      const row = await t.db.prisma.invoice.findUniqueOrThrow({ where: { id: invoice.id } });
      const charged = await h.stripe.invoices.retrieve(row.providerInvoiceId!);
      expect({ subtotal: charged.subtotal, total: charged.total }).toEqual({
        subtotal: invoice.subtotal.amount,
        total: invoice.total.amount,
      });
    }
  }

  it('charges and states the new rate on the renewal after a member state changes it', async () => {
    const { actor, clock, periodEnd } = await subscribedOnClock(
      'de-rate',
      '{ legalName: "Hans Muster", addressLine1: "Hauptstr. 1", city: "Berlin", country: "DE" }',
    );
    await renew('de-rate', clock, periodEnd);
    const { invoices } = await eventually(
      () => profileOf(actor, 'de-rate'),
      (profile) => profile.invoices.edges.filter((edge: any) => edge.node.number).length === 2,
    );
    const [renewal, first] = invoices.edges.map((edge: any) => edge.node);
    expect(first).toMatchObject({ vatRateBasisPoints: 1900, tax: { amount: 152 }, total: { amount: 952 } });
    expect(renewal).toMatchObject({ vatRateBasisPoints: 2100, tax: { amount: 168 }, total: { amount: 968 } });
    await expectConsistent([first, renewal]);
  });

  it('re-checks the VAT number before each invoice: unverified at renewal is charged as a consumer, and says so', async () => {
    registry = 'valid';
    const { actor, clock, periodEnd } = await subscribedOnClock(
      'de-vies',
      '{ legalName: "Muster GmbH", addressLine1: "Hauptstr. 2", city: "Berlin", country: "DE", vatNumber: "DE136695976" }',
    );
    expect((await profileOf(actor, 'de-vies')).legalIdentity.vatNumberStatus).toBe('VERIFIED');
    registry = 'unverified';
    await renew('de-vies', clock, periodEnd);
    const profile = await eventually(
      () => profileOf(actor, 'de-vies'),
      (p) => p.invoices.edges.filter((edge: any) => edge.node.number).length === 2,
    );
    const [renewal, first] = profile.invoices.edges.map((edge: any) => edge.node);
    expect(first).toMatchObject({
      vatTreatment: 'REVERSE_CHARGE',
      vatRateBasisPoints: 0,
      vatNumberStatus: 'VERIFIED',
      tax: { amount: 0 },
    });
    expect(renewal).toMatchObject({
      vatTreatment: 'STANDARD',
      vatRateBasisPoints: 2100,
      vatNumberStatus: 'UNVERIFIED',
      tax: { amount: 168 },
    });
    expect(profile.legalIdentity.vatNumberStatus).toBe('UNVERIFIED');
    await expectConsistent([first, renewal]);

    // The registry answers again: the next invoice is reverse-charged.
    registry = 'valid';
    const row = await t.db.prisma.subscription.findFirstOrThrow({ where: { customer: { userId: 'de-vies' } } });
    await renew('de-vies', clock, row.currentPeriodEnd);
    const later = await eventually(
      () => profileOf(actor, 'de-vies'),
      (p) => p.invoices.edges.filter((edge: any) => edge.node.number).length === 3,
    );
    expect(later.invoices.edges[0].node).toMatchObject({
      vatTreatment: 'REVERSE_CHARGE',
      vatNumberStatus: 'VERIFIED',
      tax: { amount: 0 },
    });
    expect(later.legalIdentity.vatNumberStatus).toBe('VERIFIED');
    await expectConsistent(later.invoices.edges.map((edge: any) => edge.node));
  });
});
