// Provider subscriptions we never recorded (a crashed attempt, a duplicate made behind our back): the one
// the customer should have is adopted, any other is cancelled at the provider, and admins find a record.
import { BillingHarness } from '../support/billing-harness';
import { eventually } from '../support/eventually';
import { startTestApp, type TestApp } from '../support/test-app';
import { describeEachDatabase } from '../support/test-database';

describeEachDatabase('orphan provider subscriptions (%s)', (kind) => {
  let t: TestApp;
  let h: BillingHarness;

  beforeAll(async () => {
    t = await startTestApp(kind);
    h = new BillingHarness(t);
  });
  afterAll(() => t.close());

  async function customerWithCard(userId: string) {
    const actor = { token: await t.token({ sub: userId }) };
    await h.savePaymentMethod(actor, 'pm_card_visa');
    const customer = await t.db.prisma.customer.findFirstOrThrow({ where: { userId } });
    const [method] = (await h.stripe.paymentMethods.list({ customer: customer.providerCustomerId! })).data;
    // The plan's provider price exists once anyone subscribed to it (the first test does).
    const createAtProvider = async () => {
      const price = await t.db.prisma.planPrice.findFirstOrThrow({
        where: { planId: 'pro', interval: 'MONTH', providerPriceId: { not: null } },
      });
      return h.stripe.subscriptions.create({
        customer: customer.providerCustomerId!,
        items: [{ price: price.providerPriceId! }],
        default_payment_method: method!.id,
      });
    };
    return { actor, customer, createAtProvider };
  }

  it('cancels a second live subscription made at the provider, refunds and credits its paid invoice, and never retries forever', async () => {
    const { actor, customer, createAtProvider } = await customerWithCard('olga');
    expect(await h.subscribe(actor, 'pro')).toMatchObject({ __typename: 'Subscribed' });
    await h.watchEvents();

    const orphan = await createAtProvider();
    await h.settled();

    expect((await h.stripe.subscriptions.retrieve(orphan.id)).status).toBe('canceled');
    const live = (await h.stripe.subscriptions.list({ customer: customer.providerCustomerId! })).data;
    expect(live).toHaveLength(1);
    expect(live[0]!.id).not.toBe(orphan.id);
    const records = await t.db.prisma.billingOperation.findMany({
      where: { customerId: customer.id, kind: 'ORPHAN_CANCELLED' },
    });
    const paid = await h.stripe.invoices.retrieve(orphan.latest_invoice as string, { expand: ['payments'] });
    const intent = paid.payments!.data[0]!.payment.payment_intent as string;
    const refunds = (await h.stripe.refunds.list({ payment_intent: intent })).data;
    expect(refunds).toEqual([
      expect.objectContaining({
        amount: paid.amount_paid,
        reason: 'duplicate',
        status: 'succeeded',
        metadata: { orphan_subscription: orphan.id },
      }),
    ]);
    expect(paid.amount_paid).toBeGreaterThan(0);
    expect(records).toEqual([
      expect.objectContaining({
        providerObjectId: orphan.id,
        status: 'SUCCEEDED',
        detail: expect.stringContaining(
          `paid invoice ${paid.id} refunded (${paid.amount_paid} EUR, refund ${refunds[0]!.id})`,
        ),
      }),
    ]);
    const invoice = await t.db.prisma.invoice.findUniqueOrThrow({ where: { providerInvoiceId: paid.id } });
    const credit = await eventually(
      () => t.db.prisma.invoice.findFirst({ where: { correctsInvoiceId: invoice.id } }),
      (note) => note !== null,
    );
    expect(credit).toMatchObject({
      total: -paid.amount_paid,
      creditReason: 'Refund of a duplicate subscription, cancelled',
      number: expect.stringMatching(/^A\d{4}-\d{6}$/),
    });
    // A later sync of the customer refunds nothing more.
    await t.app.domain.services.reconciliation.reconcile(customer);
    expect((await h.stripe.refunds.list({ payment_intent: intent })).data).toHaveLength(1);
    expect(await t.db.prisma.providerEvent.count({ where: { lastError: { not: null } } })).toBe(0);
    expect(await h.profile(actor, '{ userId: "olga" }')).toMatchObject({
      subscription: { status: 'ACTIVE' },
      plan: { id: 'pro' },
    });
  });

  it('adopts the subscription a crashed attempt left at the provider when the customer clicks again', async () => {
    const { actor, customer, createAtProvider } = await customerWithCard('pavel');
    // The crashed attempt: its intent recorded, the provider's subscription made, nothing else (no webhook either).
    await t.db.prisma.billingOperation.create({ data: { customerId: customer.id, kind: 'SUBSCRIBE' } });
    t.refuseWebhooks(true);
    const left = await createAtProvider();

    const again = await h.subscribe(actor, 'pro');
    t.refuseWebhooks(false);

    expect(again).toMatchObject({ __typename: 'AlreadySubscribed' });
    expect(
      (await h.stripe.subscriptions.list({ customer: customer.providerCustomerId!, status: 'all' })).data.map(
        (s) => s.id,
      ),
    ).toEqual([left.id]);
    const adopted = await t.db.prisma.billingOperation.findMany({
      where: { customerId: customer.id, kind: 'ORPHAN_ADOPTED' },
    });
    expect(adopted).toEqual([expect.objectContaining({ providerObjectId: left.id })]);
    const profile = await eventually(
      () => h.profile(actor, '{ userId: "pavel" }'),
      (p) => p.subscription?.status === 'ACTIVE' && p.plan.id === 'pro',
    );
    expect(profile).toMatchObject({ plan: { id: 'pro' }, entitlements: { basis: 'SUBSCRIPTION' } });
  });
});
