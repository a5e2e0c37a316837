// Double clicks across replicas: two app instances (each its own connection pool) on one PostgreSQL
// database and one Stripe emulator, the same mutation fired on both at gaps from 0 to 100 ms. Whatever
// the timing, the provider shows exactly one effect per intent and every answer is a typed result.
import { BillingHarness, type Actor } from '../support/billing-harness';
import { startTestApp, type GraphQLResponse, type TestApp } from '../support/test-app';
import { describeOnPostgres } from '../support/test-database';

const GAPS_MS = [0, 5, 15, 30, 60, 100];

const SUBSCRIBE = `mutation($planId: ID!) { subscribe(planId: $planId, interval: MONTH) { __typename ... on BillingError { code } } }`;
const CHANGE = `mutation($v: Int!) { changePlan(planId: "ultra", interval: MONTH, expectedVersion: $v) { __typename ... on BillingError { code } } }`;
const PAY = `mutation($id: ID!, $pm: ID) { payInvoice(invoiceId: $id, paymentMethodId: $pm) { __typename ... on InvoicePaid { invoice { status } } } }`;
const PAY_WITH = `mutation($id: ID!, $pm: ID) { payInvoice(invoiceId: $id, paymentMethodId: $pm) { __typename
  ... on PaymentProcessing { invoice { status paymentProcessing } } } }`;
const REFUND = `mutation($id: ID!, $expected: Int!) {
  refundInvoice(invoiceId: $id, amount: 600, reason: "dup test", expectedRefunded: $expected) { __typename } }`;
const REMOVE = `mutation($id: ID!) { removePaymentMethod(paymentMethodId: $id) { __typename } }`;
const CANCEL = `mutation($v: Int!) { cancelSubscription(expectedVersion: $v) { __typename } }`;
const RESUME = `mutation($v: Int!) { resumeSubscription(expectedVersion: $v) { __typename } }`;

type Answer = GraphQLResponse<Record<string, { __typename: string }>>;

describeOnPostgres('one effect per intent across two replicas', () => {
  let a: TestApp;
  let b: TestApp;
  let h: BillingHarness;
  let users = 0;

  beforeAll(async () => {
    a = await startTestApp('postgres');
    b = await startTestApp('postgres', {}, { replicaOf: a });
    h = new BillingHarness(a);
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  /** Fires the same mutation once per replica given, the i-th `i * gapMs` after the first. */
  async function fire(
    replicas: TestApp[],
    gapMs: number,
    actor: Actor,
    query: string,
    variables: Record<string, unknown>,
  ): Promise<string[]> {
    const answers: Answer[] = await Promise.all(
      replicas.map(async (replica, i) => {
        await new Promise((resolve) => setTimeout(resolve, i * gapMs));
        return replica.graphql<Record<string, { __typename: string }>>(query, { token: actor.token, variables });
      }),
    );
    // Every answer is a typed result: never an error, never INTERNAL_SERVER_ERROR.
    for (const answer of answers) expect(answer.errors).toBeUndefined();
    return answers.map((answer) => Object.values(answer.data ?? {})[0]!.__typename);
  }

  async function customerWith(
    ...cards: string[]
  ): Promise<{ actor: Actor; userId: string; providerCustomer: string; methods: string[] }> {
    const userId = `double-clicker-${++users}`;
    const actor = { token: await a.token({ sub: userId }) };
    const methods: string[] = [];
    for (const card of cards) methods.push((await h.savePaymentMethod(actor, card)).paymentMethod?.id);
    return { actor, userId, providerCustomer: await h.providerCustomerId({ userId }), methods };
  }

  async function requests(method: string, path: RegExp, customer?: string) {
    return (await h.requestLog()).filter(
      (r) =>
        r.method === method &&
        path.test(r.path) &&
        (!customer || (r.params as Record<string, unknown>).customer === customer),
    );
  }

  async function subscribed(card = 'pm_card_visa', ...more: string[]) {
    const customer = await customerWith(card, ...more);
    expect(await h.subscribe(customer.actor, 'pro')).toMatchObject({ __typename: 'Subscribed' });
    const row = await a.db.prisma.subscription.findFirstOrThrow({ where: { customer: { userId: customer.userId } } });
    return { ...customer, subscription: row };
  }

  async function expectOneCharge(providerCustomer: string, paidInvoices: number) {
    expect((await h.stripe.subscriptions.list({ customer: providerCustomer, status: 'all' })).data).toHaveLength(1);
    const invoices = (await h.stripe.invoices.list({ customer: providerCustomer })).data;
    expect(invoices.filter((invoice) => invoice.status === 'paid')).toHaveLength(paidInvoices);
    const intents = (await h.stripe.paymentIntents.list({ customer: providerCustomer })).data;
    expect(intents.filter((intent) => intent.status === 'succeeded')).toHaveLength(paidInvoices);
  }

  it.each(GAPS_MS)(
    'subscribe clicked twice, %i ms apart, on two replicas: one subscription, one charge',
    async (gap) => {
      const { actor, providerCustomer } = await customerWith('pm_card_visa');
      const answers = await fire([a, b], gap, actor, SUBSCRIBE, { planId: 'pro' });
      expect(answers.sort()).toEqual(['AlreadySubscribed', 'Subscribed']);
      await expectOneCharge(providerCustomer, 1);
      expect(await requests('POST', /^\/v1\/subscriptions$/, providerCustomer)).toHaveLength(1);
    },
  );

  it.each([0, 20])(
    'subscribe clicked three times, %i ms apart, across replicas: one subscription, one charge',
    async (gap) => {
      const { actor, providerCustomer } = await customerWith('pm_card_visa');
      const answers = await fire([a, b, a], gap, actor, SUBSCRIBE, { planId: 'pro' });
      expect(answers.sort()).toEqual(['AlreadySubscribed', 'AlreadySubscribed', 'Subscribed']);
      await expectOneCharge(providerCustomer, 1);
    },
  );

  it.each([0, 15, 60])(
    'changePlan sent twice with one version, %i ms apart: one change, one proration charge',
    async (gap) => {
      const { actor, providerCustomer, subscription } = await subscribed();
      const answers = await fire([a, b], gap, actor, CHANGE, { v: subscription.version });
      expect(answers.sort()).toEqual(['PlanChanged', 'VersionConflict']);
      await expectOneCharge(providerCustomer, 2);
      const changes = (
        await requests('POST', new RegExp(`^/v1/subscriptions/${subscription.providerSubscriptionId}$`))
      ).filter((r) => JSON.stringify(r.params).includes('items'));
      expect(changes).toHaveLength(1);
    },
  );

  it.each([0, 15, 60])(
    'payInvoice clicked twice, %i ms apart: the invoice is paid once, both answers say paid',
    async (gap) => {
      const { actor, providerCustomer, userId } = await customerWith('pm_card_chargeCustomerFail');
      expect(await h.subscribe(actor, 'pro')).toMatchObject({ __typename: 'PaymentFailed' });
      const working = await h.savePaymentMethod(actor, 'pm_card_visa');
      const open = await a.db.prisma.invoice.findFirstOrThrow({ where: { customer: { userId }, status: 'OPEN' } });
      const answers = await fire([a, b], gap, actor, PAY, { id: open.id, pm: working.paymentMethod.id });
      expect(answers).toEqual(['InvoicePaid', 'InvoicePaid']);
      expect(await requests('POST', new RegExp(`^/v1/invoices/${open.providerInvoiceId}/pay$`))).toHaveLength(1);
      const intents = (await h.stripe.paymentIntents.list({ customer: providerCustomer })).data;
      expect(intents.filter((intent) => intent.status === 'succeeded')).toHaveLength(1);
    },
  );

  it.each([0, 15, 60])(
    'payInvoice by SEPA clicked twice, %i ms apart, then by card on both replicas: one debit, no other charge',
    async (gap) => {
      const { actor, providerCustomer, userId } = await customerWith('pm_card_chargeCustomerFail');
      expect(await h.subscribe(actor, 'lite')).toMatchObject({ __typename: 'PaymentFailed' });
      const sepa = (await h.saveSepaDebit(actor, 'DE89370400440532013000')).paymentMethod.id;
      const visa = (await h.savePaymentMethod(actor, 'pm_card_visa')).paymentMethod.id;
      const open = await a.db.prisma.invoice.findFirstOrThrow({ where: { customer: { userId }, status: 'OPEN' } });
      const pays = () => requests('POST', new RegExp(`^/v1/invoices/${open.providerInvoiceId}/pay$`));

      expect(await fire([a, b], gap, actor, PAY_WITH, { id: open.id, pm: sepa })).toEqual([
        'PaymentProcessing',
        'PaymentProcessing',
      ]);
      expect(await pays()).toHaveLength(1);
      // Another method while the bank has the debit: answered from our state, the provider is not asked.
      const byCard = await Promise.all(
        [a, b].map((replica) =>
          replica.graphql<any>(PAY_WITH, { token: actor.token, variables: { id: open.id, pm: visa } }),
        ),
      );
      for (const answer of byCard) {
        expect(answer.data?.payInvoice).toEqual({
          __typename: 'PaymentProcessing',
          invoice: { status: 'OPEN', paymentProcessing: true },
        });
      }
      expect(await pays()).toHaveLength(1);
      const charges = (await h.stripe.charges.list({ customer: providerCustomer })).data;
      expect(charges.filter((charge) => charge.status !== 'failed')).toEqual([
        expect.objectContaining({
          status: 'pending',
          amount: open.total,
          payment_method_details: expect.objectContaining({ type: 'sepa_debit' }),
        }),
      ]);
    },
  );

  it.each([0, 15, 60])(
    'the same partial refund sent twice, %i ms apart: one refund, one credit note; a deliberate second one refunds',
    async (gap) => {
      const { userId } = await subscribed();
      const admin = { token: await a.token({ sub: 'refunding-admin', roles: ['admin'] }) };
      const invoice = await a.db.prisma.invoice.findFirstOrThrow({
        where: { customer: { userId }, kind: 'INVOICE', status: 'PAID', issuedAt: { not: null } },
      });
      const refunds = async () =>
        (await requests('POST', /^\/v1\/refunds$/)).filter(
          (r) => (r.params as { metadata?: { invoice_id?: string } }).metadata?.invoice_id === invoice.id,
        );
      const creditNotes = () => a.db.prisma.invoice.count({ where: { correctsInvoiceId: invoice.id } });

      const answers = await fire([a, b], gap, admin, REFUND, { id: invoice.id, expected: 0 });
      expect(answers.sort()).toEqual(['InvoiceRefunded', 'RefundConflict']);
      expect(await refunds()).toHaveLength(1);
      expect(await creditNotes()).toBe(1);

      expect(await fire([b], 0, admin, REFUND, { id: invoice.id, expected: 600 })).toEqual(['InvoiceRefunded']);
      expect((await refunds()).map((r) => (r.params as { amount?: string }).amount)).toEqual(['600', '600']);
      expect(await creditNotes()).toBe(2);
    },
  );

  it.each([0, 15, 60])(
    'the last two payment methods removed at once, %i ms apart: one stays for the paid subscription',
    async (gap) => {
      const { actor, providerCustomer, methods } = await subscribed('pm_card_visa', 'pm_card_mastercard');
      const providerIds = (await a.db.prisma.paymentMethod.findMany({ where: { id: { in: methods } } })).map(
        (m) => m.providerPaymentMethodId,
      );
      const answers = await Promise.all([
        a.graphql<Record<string, { __typename: string }>>(REMOVE, {
          token: actor.token,
          variables: { id: methods[0] },
        }),
        new Promise((resolve) => setTimeout(resolve, gap)).then(() =>
          b.graphql<Record<string, { __typename: string }>>(REMOVE, {
            token: actor.token,
            variables: { id: methods[1] },
          }),
        ),
      ]);
      for (const answer of answers) expect(answer.errors).toBeUndefined();
      expect(answers.map((answer) => answer.data!.removePaymentMethod!.__typename).sort()).toEqual([
        'LastPaymentMethodRequired',
        'PaymentMethodRemoved',
      ]);
      expect((await h.stripe.paymentMethods.list({ customer: providerCustomer })).data).toHaveLength(1);
      const detaches = await requests('POST', /^\/v1\/payment_methods\/[^/]+\/detach$/);
      expect(detaches.filter((r) => providerIds.some((id) => r.path.includes(id)))).toHaveLength(1);
    },
  );

  it.each([0, 30])('cancel, then resume, each clicked twice %i ms apart: one provider update each', async (gap) => {
    const { actor, subscription } = await subscribed();
    const path = new RegExp(`^/v1/subscriptions/${subscription.providerSubscriptionId}$`);
    expect((await fire([a, b], gap, actor, CANCEL, { v: subscription.version })).sort()).toEqual([
      'SubscriptionUpdated',
      'VersionConflict',
    ]);
    expect(await requests('POST', path)).toHaveLength(1);
    const cancelled = await a.db.prisma.subscription.findUniqueOrThrow({ where: { id: subscription.id } });
    expect(cancelled.cancelAtPeriodEnd).toBe(true);
    expect((await fire([b, a], gap, actor, RESUME, { v: cancelled.version })).sort()).toEqual([
      'SubscriptionUpdated',
      'VersionConflict',
    ]);
    expect(await requests('POST', path)).toHaveLength(2);
    expect((await h.stripe.subscriptions.retrieve(subscription.providerSubscriptionId)).cancel_at_period_end).toBe(
      false,
    );
  });
});
