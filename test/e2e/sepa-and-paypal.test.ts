import { BillingHarness, type Actor } from '../support/billing-harness';
import { eventually } from '../support/eventually';
import { describeEachDatabase } from '../support/test-database';
import { startTestApp, type TestApp } from '../support/test-app';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const START = `mutation($type: PaymentMethodSetupType) { startPaymentMethodSetup(type: $type) { setupIntentId clientSecret } }`;
const COMPLETE = `mutation($id: ID!) { completePaymentMethodSetup(setupIntentId: $id) {
  __typename
  ... on PaymentMethodSaved { paymentMethod { id type brand last4 expMonth country bankCode payerEmail isDefault } }
  ... on SetupRequiresAction { clientSecret redirectUrl }
  ... on SetupIncomplete { status } } }`;
const SET_DEFAULT = `mutation($id: ID!) { setDefaultPaymentMethod(paymentMethodId: $id) { id isDefault } }`;
const PAY = `mutation($id: ID!) { payInvoice(invoiceId: $id) {
  __typename
  ... on PaymentProcessing { invoice { id status paymentProcessing } changedSubscription { id } }
  ... on InvoicePaid { invoice { id status } } } }`;
const CHANGE = `mutation($planId: ID!, $v: Int!) { changePlan(planId: $planId, interval: MONTH, expectedVersion: $v) {
  __typename
  ... on PaymentProcessing { invoice { id status paymentProcessing } changedSubscription { plan { id } pendingChange { plan { id } } } }
  ... on PlanChanged { subscription { plan { id } } } } }`;
/** What the web app reads: the banner flag as the gateway resolves `me { unpaidInvoice }`, and the invoices. */
const BANNER_AND_INVOICES = `query($reps: [_Any!]!, $owner: BillingOwnerInput!) {
  _entities(representations: $reps) { ... on User { unpaidInvoice } }
  billingProfile(owner: $owner) {
    subscription { status } entitlements { basis graceEndsAt }
    invoices(first: 5) { edges { node { id status paymentProcessing amountPaid { amount } } } } } }`;

/** The customer's browser: Stripe.js sends what the customer typed and accepted straight to Stripe. */
const ACCOUNT_HOLDER = { name: 'Ada Lovelace', email: 'ada@example.com' };
const MANDATE_ACCEPTANCE = {
  customer_acceptance: {
    type: 'online' as const,
    online: { ip_address: '203.0.113.7', user_agent: 'Mozilla/5.0 (web app)' },
  },
};
const RETURN_URL = 'https://app.example/billing/payment-methods/return';

describeEachDatabase('PayPal and SEPA Direct Debit, end to end (%s)', (kind) => {
  let t: TestApp;
  let h: BillingHarness;

  beforeAll(async () => {
    t = await startTestApp(kind);
    h = new BillingHarness(t);
    await h.watchEvents();
  });
  afterAll(() => t.close());

  async function saveSepa(actor: Actor, iban: string): Promise<any> {
    const { startPaymentMethodSetup: setup } = await h.mutate(actor, START, { type: 'SEPA_DEBIT' });
    await h.stripe.setupIntents.confirm(setup.setupIntentId, {
      payment_method_data: { type: 'sepa_debit', sepa_debit: { iban }, billing_details: ACCOUNT_HOLDER },
      mandate_data: MANDATE_ACCEPTANCE,
    });
    return (await h.mutate(actor, COMPLETE, { id: setup.setupIntentId })).completePaymentMethodSetup;
  }

  async function bannerAndInvoices(actor: Actor, sub: string): Promise<any> {
    const res = await t.graphql<any>(BANNER_AND_INVOICES, {
      token: actor.token,
      variables: { reps: [{ __typename: 'User', id: sub }], owner: { userId: sub } },
    });
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return { unpaidInvoice: res.data._entities[0].unpaidInvoice, ...res.data.billingProfile };
  }

  it('saves a SEPA Direct Debit mandate: the IBAN and the acceptance go from the browser to Stripe, we keep bank, country and last 4', async () => {
    const actor = { token: await t.token({ sub: 'sepa-save' }) };
    const saved = await saveSepa(actor, 'DE89370400440532013000');
    expect(saved).toEqual({
      __typename: 'PaymentMethodSaved',
      paymentMethod: {
        id: expect.any(String),
        type: 'SEPA_DEBIT',
        brand: null,
        last4: '3000',
        expMonth: null,
        country: 'DE',
        bankCode: '37040044',
        payerEmail: null,
        isDefault: true,
      },
    });
    // Stripe holds the mandate with the customer's acceptance; the service only asked for a SEPA set-up.
    const row = await t.db.prisma.paymentMethod.findUniqueOrThrow({ where: { id: saved.paymentMethod.id } });
    const [mandate] = (
      await h.stripe.setupIntents.list({ customer: await h.providerCustomerId({ userId: 'sepa-save' }) })
    ).data.map((intent) => intent.mandate);
    expect(await h.stripe.mandates.retrieve(mandate as string)).toMatchObject({
      status: 'active',
      payment_method: row.providerPaymentMethodId,
    });
    const creations = (await h.requestLog()).filter(
      (request) => request.method === 'POST' && request.path === '/v1/setup_intents',
    );
    expect(creations.at(-1)!.params).toEqual({
      customer: expect.stringMatching(/^cus_/),
      usage: 'off_session',
      allowed_payment_method_types: ['sepa_debit'],
    });
    expect(JSON.stringify(row)).not.toMatch(/DE8937|Ada|ada@|203\.0\.113/);
  });

  it('saves a PayPal account once the customer approved at PayPal, keeping a masked e-mail', async () => {
    const actor = { token: await t.token({ sub: 'paypal-save' }) };
    const { startPaymentMethodSetup: setup } = await h.mutate(actor, START, { type: 'PAYPAL' });
    await h.stripe.setupIntents.confirm(setup.setupIntentId, {
      payment_method_data: { type: 'paypal' },
      return_url: RETURN_URL,
    });
    // Back before approving: the web app gets where to send the customer.
    const pending = (await h.mutate(actor, COMPLETE, { id: setup.setupIntentId })).completePaymentMethodSetup;
    expect(pending).toEqual({
      __typename: 'SetupRequiresAction',
      clientSecret: setup.clientSecret,
      redirectUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/_emulator\/authenticate\/seti_/),
    });

    const approval = await fetch(pending.redirectUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'result=succeed',
      redirect: 'manual',
    });
    const back = new URL(approval.headers.get('location')!);
    expect(back.searchParams.get('redirect_status')).toBe('succeeded');
    expect(back.searchParams.get('setup_intent')).toBe(setup.setupIntentId);

    const saved = (await h.mutate(actor, COMPLETE, { id: back.searchParams.get('setup_intent') }))
      .completePaymentMethodSetup;
    expect(saved).toEqual({
      __typename: 'PaymentMethodSaved',
      paymentMethod: {
        id: expect.any(String),
        type: 'PAYPAL',
        brand: null,
        last4: null,
        expMonth: null,
        country: 'DE',
        bankCode: null,
        payerEmail: 'b…r@example.com',
        isDefault: true,
      },
    });
    const row = await t.db.prisma.paymentMethod.findUniqueOrThrow({ where: { id: saved.paymentMethod.id } });
    expect(JSON.stringify(row)).not.toContain('buyer@example.com');
  });

  it('a first payment by SEPA: incomplete (free plan, no banner) while the debit processes, never replaced, then active', async () => {
    const actor = { token: await t.token({ sub: 'sepa-first' }) };
    await saveSepa(actor, 'DE89370400440532013000');
    const clock = await h.putOnTestClock(await h.providerCustomerId({ userId: 'sepa-first' }), new Date());
    const subscribed = await h.subscribe(actor, 'pro');
    expect(subscribed).toMatchObject({
      __typename: 'Subscribed',
      subscription: { status: 'INCOMPLETE', plan: { id: 'pro' } },
    });
    const waiting = await bannerAndInvoices(actor, 'sepa-first');
    expect(waiting).toMatchObject({
      unpaidInvoice: false,
      subscription: { status: 'INCOMPLETE' },
      entitlements: { basis: 'FREE_PLAN' },
    });
    expect(waiting.invoices.edges[0].node).toMatchObject({ status: 'OPEN', paymentProcessing: true });
    // A second click while the bank has the money neither cancels that subscription nor starts another.
    expect(await h.subscribe(actor, 'pro')).toMatchObject({ __typename: 'AlreadySubscribed' });
    const providerCustomer = await h.providerCustomerId({ userId: 'sepa-first' });
    expect((await h.stripe.subscriptions.list({ customer: providerCustomer, status: 'all' })).data).toMatchObject([
      { status: 'incomplete' },
    ]);

    await h.advance(clock, new Date(Date.now() + 5 * DAY + HOUR));
    const active = await eventually(
      () => bannerAndInvoices(actor, 'sepa-first'),
      (p) => p.subscription.status === 'ACTIVE' && p.entitlements.basis === 'SUBSCRIPTION',
    );
    expect(active).toMatchObject({ unpaidInvoice: false });
    expect(active.invoices.edges[0].node).toMatchObject({ status: 'PAID', paymentProcessing: false });
  });

  /** A Pro subscription paid by card, then a SEPA mandate made the default for the renewals. */
  async function renewingBySepa(sub: string, iban: string): Promise<{ actor: Actor; periodEnd: Date; clock: string }> {
    const actor = { token: await t.token({ sub }) };
    await h.savePaymentMethod(actor, 'pm_card_visa');
    const clock = await h.putOnTestClock(await h.providerCustomerId({ userId: sub }), new Date());
    expect(await h.subscribe(actor, 'pro')).toMatchObject({
      __typename: 'Subscribed',
      subscription: { status: 'ACTIVE' },
    });
    const sepa = await saveSepa(actor, iban);
    await h.mutate(actor, SET_DEFAULT, { id: sepa.paymentMethod.id });
    const { subscription } = await h.profile(actor, `{ userId: "${sub}" }`);
    return { actor, periodEnd: new Date(subscription.currentPeriodEnd), clock };
  }

  it('a renewal debit is processing for days without a banner, then fails late: the flag rises and dunning starts', async () => {
    const { actor, periodEnd, clock } = await renewingBySepa('sepa-late', 'DE62370400440532013001');
    await h.advance(clock, new Date(periodEnd.getTime() + HOUR + 60_000));
    await h.settled();
    const processing = await bannerAndInvoices(actor, 'sepa-late');
    expect(processing).toMatchObject({
      unpaidInvoice: false,
      subscription: { status: 'ACTIVE' },
      entitlements: { basis: 'SUBSCRIPTION', graceEndsAt: null },
    });
    expect(processing.invoices.edges[0].node).toMatchObject({
      status: 'OPEN',
      paymentProcessing: true,
      amountPaid: { amount: 0 },
    });

    // Four days on, the bank still has it.
    await h.advance(clock, new Date(periodEnd.getTime() + 4 * DAY));
    await h.settled();
    expect(await bannerAndInvoices(actor, 'sepa-late')).toMatchObject({
      unpaidInvoice: false,
      subscription: { status: 'ACTIVE' },
    });

    // Five days after the debit the bank returns it.
    await h.advance(clock, new Date(periodEnd.getTime() + 5 * DAY + 2 * HOUR));
    // The subscription's status and the derived entitlements are written by separate steps of the sync: wait for both.
    const failed = await eventually(
      () => bannerAndInvoices(actor, 'sepa-late'),
      (p) =>
        p.unpaidInvoice === true && p.subscription.status === 'PAST_DUE' && p.entitlements.basis === 'GRACE_PERIOD',
    );
    expect(failed.entitlements.graceEndsAt).toEqual(expect.any(String));
    expect(failed.invoices.edges[0].node).toMatchObject({ status: 'OPEN', paymentProcessing: false });
    const [open] = (
      await h.stripe.invoices.list({ customer: await h.providerCustomerId({ userId: 'sepa-late' }), status: 'open' })
    ).data;
    expect(open).toMatchObject({ billing_reason: 'subscription_cycle', next_payment_attempt: expect.any(Number) });
  });

  it('a renewal debit that settles pays the invoice days later, never raising the flag', async () => {
    const { actor, periodEnd, clock } = await renewingBySepa('sepa-ok', 'DE89370400440532013000');
    await h.advance(clock, new Date(periodEnd.getTime() + HOUR + 60_000));
    await h.settled();
    expect((await bannerAndInvoices(actor, 'sepa-ok')).invoices.edges[0].node).toMatchObject({
      status: 'OPEN',
      paymentProcessing: true,
    });
    await h.advance(clock, new Date(periodEnd.getTime() + 5 * DAY + 2 * HOUR));
    const paid = await eventually(
      () => bannerAndInvoices(actor, 'sepa-ok'),
      (p) => p.invoices.edges[0].node.status === 'PAID',
    );
    expect(paid).toMatchObject({
      unpaidInvoice: false,
      subscription: { status: 'ACTIVE' },
      entitlements: { basis: 'SUBSCRIPTION' },
    });
    expect(paid.invoices.edges[0].node).toMatchObject({ paymentProcessing: false });
  });

  it('payInvoice by SEPA answers PaymentProcessing, not InvoicePaid: the invoice is open and processing until the bank pays it', async () => {
    const { actor, periodEnd, clock } = await renewingBySepa('sepa-pay', 'DE62370400440532013001');
    await h.advance(clock, new Date(periodEnd.getTime() + 5 * DAY + 2 * HOUR));
    const failed = await eventually(
      () => bannerAndInvoices(actor, 'sepa-pay'),
      (p) => p.unpaidInvoice === true,
    );
    const invoiceId = failed.invoices.edges[0].node.id;
    const good = await saveSepa(actor, 'DE89370400440532013000');
    await h.mutate(actor, SET_DEFAULT, { id: good.paymentMethod.id });

    const { payInvoice } = await h.mutate(actor, PAY, { id: invoiceId });
    expect(payInvoice).toEqual({
      __typename: 'PaymentProcessing',
      invoice: { id: invoiceId, status: 'OPEN', paymentProcessing: true },
      changedSubscription: null,
    });
    expect(await bannerAndInvoices(actor, 'sepa-pay')).toMatchObject({ unpaidInvoice: false });

    await h.advance(clock, new Date(periodEnd.getTime() + 10 * DAY + 3 * HOUR));
    // The status and the derived entitlements are written by separate steps of the sync: wait for both.
    const paid = await eventually(
      () => bannerAndInvoices(actor, 'sepa-pay'),
      (p) =>
        p.invoices.edges[0].node.status === 'PAID' &&
        p.subscription.status === 'ACTIVE' &&
        p.entitlements.basis === 'SUBSCRIPTION',
    );
    expect(paid).toMatchObject({ unpaidInvoice: false });
    // A second click once paid is the same payment, never a second debit.
    expect((await h.mutate(actor, PAY, { id: invoiceId })).payInvoice).toEqual({
      __typename: 'InvoicePaid',
      invoice: { id: invoiceId, status: 'PAID' },
    });
  });

  /** On Lite paid by card, a SEPA mandate made the default, then the upgrade to Pro. */
  async function upgradingBySepa(sub: string, iban: string): Promise<{ actor: Actor; clock: string; changePlan: any }> {
    const actor = { token: await t.token({ sub }) };
    await h.savePaymentMethod(actor, 'pm_card_visa');
    const clock = await h.putOnTestClock(await h.providerCustomerId({ userId: sub }), new Date());
    expect(await h.subscribe(actor, 'lite')).toMatchObject({
      __typename: 'Subscribed',
      subscription: { status: 'ACTIVE' },
    });
    const sepa = await saveSepa(actor, iban);
    await h.mutate(actor, SET_DEFAULT, { id: sepa.paymentMethod.id });
    const { subscription } = await h.profile(actor, `{ userId: "${sub}" }`);
    const { changePlan } = await h.mutate(actor, CHANGE, { planId: 'pro', v: subscription.version });
    return { actor, clock, changePlan };
  }

  it('changePlan by SEPA answers PaymentProcessing: Stripe has no pending changes for bank debits, so the plan changes and its invoice settles days later', async () => {
    const { actor, clock, changePlan } = await upgradingBySepa('sepa-change', 'DE89370400440532013000');
    expect(changePlan).toEqual({
      __typename: 'PaymentProcessing',
      invoice: { id: expect.any(String), status: 'OPEN', paymentProcessing: true },
      changedSubscription: { plan: { id: 'pro' }, pendingChange: null },
    });
    const update = (await h.requestLog())
      .filter((request) => request.method === 'POST' && request.path.startsWith('/v1/subscriptions/sub_'))
      .at(-1);
    expect(update!.params).toMatchObject({ payment_behavior: 'error_if_incomplete' });
    const processing = await bannerAndInvoices(actor, 'sepa-change');
    expect(processing).toMatchObject({ unpaidInvoice: false, subscription: { status: 'ACTIVE' } });

    await h.advance(clock, new Date(Date.now() + 5 * DAY + HOUR));
    const paid = await eventually(
      () => bannerAndInvoices(actor, 'sepa-change'),
      (p) => p.invoices.edges.some((e: any) => e.node.id === changePlan.invoice.id && e.node.status === 'PAID'),
    );
    expect(paid).toMatchObject({
      unpaidInvoice: false,
      subscription: { status: 'ACTIVE' },
      entitlements: { basis: 'SUBSCRIPTION' },
    });
  });

  it("an upgrade debit that fails late is an unpaid invoice like a renewal's: the flag rises and dunning starts", async () => {
    const { actor, clock, changePlan } = await upgradingBySepa('sepa-change-late', 'DE62370400440532013001');
    expect(changePlan).toMatchObject({
      __typename: 'PaymentProcessing',
      invoice: { status: 'OPEN', paymentProcessing: true },
    });
    await h.advance(clock, new Date(Date.now() + 5 * DAY + HOUR));
    const failed = await eventually(
      () => bannerAndInvoices(actor, 'sepa-change-late'),
      (p) => p.unpaidInvoice === true && p.subscription.status === 'PAST_DUE',
    );
    expect(failed.invoices.edges.find((e: any) => e.node.id === changePlan.invoice.id).node).toMatchObject({
      status: 'OPEN',
      paymentProcessing: false,
    });
  });
});
