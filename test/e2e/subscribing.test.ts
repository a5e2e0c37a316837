import { BillingHarness } from '../support/billing-harness';
import { eventually } from '../support/eventually';
import { startTestApp, type TestApp } from '../support/test-app';
import { describeEachDatabase } from '../support/test-database';

describeEachDatabase('subscribing through GraphQL, against the Stripe emulator (%s)', (kind) => {
  let t: TestApp;
  let h: BillingHarness;
  const actor = async (sub: string, adminGroupIds: string[] = []) => ({ token: await t.token({ sub, adminGroupIds }) });

  beforeAll(async () => {
    t = await startTestApp(kind);
    h = new BillingHarness(t);
  });
  afterAll(() => t.close());

  it('creates the provider customer at the first payment action, knowing only the anonymous id', async () => {
    const ada = await actor('ada');
    await h.mutate(
      ada,
      `mutation { updateBillingProfile(input: { legalName: "Ada SARL", country: "FR", addressLine1: "1 rue X", city: "Paris", postalCode: "75001", vatNumber: "FR40303265045", billingEmail: "ada@example.com" }) { id } }`,
    );
    const before = await t.db.prisma.customer.findFirstOrThrow({ where: { userId: 'ada' } });
    expect(before.providerCustomerId).toBeNull();

    await h.savePaymentMethod(ada, 'pm_card_visa');
    const customer = await h.stripe.customers.retrieve(await h.providerCustomerId({ userId: 'ada' }));
    expect(customer).toMatchObject({
      metadata: { anonymous_id: before.anonymousId },
      name: null,
      email: null,
      phone: null,
      address: null,
      description: null,
    });
  });

  it('subscribes with a card that pays: active, on the plan, entitlements granted', async () => {
    const bob = await actor('bob');
    expect(await h.savePaymentMethod(bob, 'pm_card_visa')).toMatchObject({
      __typename: 'PaymentMethodSaved',
      paymentMethod: { type: 'CARD', brand: 'visa', last4: '4242', isDefault: true },
    });
    const result = await h.subscribe(bob, 'pro');
    expect(result).toMatchObject({ __typename: 'Subscribed', subscription: { status: 'ACTIVE', plan: { id: 'pro' } } });
    const profile = await h.profile(bob, '{ userId: "bob" }');
    expect(profile).toMatchObject({
      plan: { id: 'pro' },
      entitlements: { driveStorage: '400000000000', basis: 'SUBSCRIPTION' },
      unpaidInvoice: false,
    });
    // No country given yet: taxed as a customer of the seller's own country (France, 20 %).
    expect(profile.invoices.edges[0].node).toMatchObject({ status: 'PAID', total: { amount: 1920, currency: 'EUR' } });
  });

  it('never creates a second subscription for the same owner', async () => {
    const bea = await actor('bea');
    await h.savePaymentMethod(bea, 'pm_card_visa');
    expect(await h.subscribe(bea, 'pro')).toMatchObject({ __typename: 'Subscribed' });
    expect(await h.subscribe(bea, 'ultra')).toMatchObject({
      __typename: 'AlreadySubscribed',
      code: 'ALREADY_SUBSCRIBED',
    });
    const customer = await h.providerCustomerId({ userId: 'bea' });
    expect((await h.stripe.subscriptions.list({ customer, status: 'all' })).data).toHaveLength(1);
  });

  it('reports a declined card with its decline code, and grants nothing', async () => {
    const cy = await actor('cy');
    await h.savePaymentMethod(cy, 'pm_card_chargeCustomerFail');
    expect(await h.subscribe(cy, 'lite')).toMatchObject({
      __typename: 'PaymentFailed',
      code: 'PAYMENT_FAILED',
      declineCode: expect.any(String),
    });
    expect((await h.profile(cy, '{ userId: "cy" }')).entitlements.basis).toBe('FREE_PLAN');
  });

  it('asks for 3-D Secure with a client secret, at setup and at payment, and activates once authenticated', async () => {
    const di = await actor('di');
    const setup = await h.savePaymentMethod(di, 'pm_card_authenticationRequired');
    expect(setup).toMatchObject({
      __typename: 'SetupRequiresAction',
      clientSecret: expect.stringMatching(/^seti_.*_secret_/),
    });
    await h.authenticate(setup.clientSecret);
    const setupIntentId = setup.clientSecret.split('_secret_')[0];
    const { completePaymentMethodSetup: saved } = await h.mutate(
      di,
      `mutation($id: ID!) { completePaymentMethodSetup(setupIntentId: $id) { __typename } }`,
      { id: setupIntentId },
    );
    expect(saved.__typename).toBe('PaymentMethodSaved');

    const result = await h.subscribe(di, 'lite');
    expect(result).toMatchObject({
      __typename: 'PaymentRequiresAction',
      clientSecret: expect.stringMatching(/^pi_.*_secret_/),
      pendingSubscription: { status: 'INCOMPLETE' },
    });
    expect((await h.profile(di, '{ userId: "di" }')).entitlements.basis).toBe('FREE_PLAN');
    await h.authenticate(result.clientSecret);
    // The webhook's sync writes the subscription, then the customer's plan: wait for both.
    const active = await eventually(
      () => h.profile(di, '{ userId: "di" }'),
      (p) => p.subscription?.status === 'ACTIVE' && p.plan.id === 'lite',
    );
    expect(active).toMatchObject({ plan: { id: 'lite' }, entitlements: { basis: 'SUBSCRIPTION' } });
  });

  it('shows no unpaid invoice while a first payment awaits 3-D Secure, and shows one once the challenge fails', async () => {
    const eli = await actor('eli');
    const setup = await h.savePaymentMethod(eli, 'pm_card_authenticationRequired');
    await h.authenticate(setup.clientSecret);
    await h.mutate(eli, `mutation($id: ID!) { completePaymentMethodSetup(setupIntentId: $id) { __typename } }`, {
      id: setup.clientSecret.split('_secret_')[0],
    });
    await h.watchEvents();

    const pending = await h.subscribe(eli, 'lite');
    expect(pending).toMatchObject({
      __typename: 'PaymentRequiresAction',
      pendingSubscription: { status: 'INCOMPLETE' },
    });
    await h.settled();
    expect(await h.profile(eli, '{ userId: "eli" }')).toMatchObject({
      unpaidInvoice: false,
      subscription: { status: 'INCOMPLETE' },
    });

    await h.authenticate(pending.clientSecret, 'fail');
    const declined = await eventually(
      () => h.profile(eli, '{ userId: "eli" }'),
      (p) => p.unpaidInvoice === true,
    );
    expect(declined).toMatchObject({ unpaidInvoice: true, entitlements: { basis: 'FREE_PLAN' } });
  });

  it('answers a second click during 3-D Secure with the same challenge, making no second provider subscription', async () => {
    const fay = await actor('fay');
    const setup = await h.savePaymentMethod(fay, 'pm_card_authenticationRequired');
    await h.authenticate(setup.clientSecret);
    await h.mutate(fay, `mutation($id: ID!) { completePaymentMethodSetup(setupIntentId: $id) { __typename } }`, {
      id: setup.clientSecret.split('_secret_')[0],
    });

    const first = await h.subscribe(fay, 'lite');
    const second = await h.subscribe(fay, 'lite');
    expect(first).toMatchObject({
      __typename: 'PaymentRequiresAction',
      clientSecret: expect.stringMatching(/^pi_.*_secret_/),
    });
    expect(second).toMatchObject({
      __typename: 'PaymentRequiresAction',
      clientSecret: first.clientSecret,
      pendingSubscription: { status: 'INCOMPLETE' },
    });
    const customer = await h.providerCustomerId({ userId: 'fay' });
    expect((await h.stripe.subscriptions.list({ customer, status: 'all' })).data).toHaveLength(1);

    await h.authenticate(second.clientSecret);
    // The webhook's sync writes the subscription, then the customer's plan: wait for both.
    const active = await eventually(
      () => h.profile(fay, '{ userId: "fay" }'),
      (p) => p.subscription?.status === 'ACTIVE' && p.plan.id === 'lite',
    );
    expect(active).toMatchObject({ unpaidInvoice: false, entitlements: { basis: 'SUBSCRIPTION' } });
  });

  it('after a decline, subscribes with a new card: the failed attempt is voided and the flag clears', async () => {
    const cyd = await actor('cyd');
    await h.savePaymentMethod(cyd, 'pm_card_chargeCustomerFail');
    expect(await h.subscribe(cyd, 'lite')).toMatchObject({ __typename: 'PaymentFailed' });
    expect((await h.profile(cyd, '{ userId: "cyd" }')).unpaidInvoice).toBe(true);
    const saved = await h.savePaymentMethod(cyd, 'pm_card_visa');
    await h.mutate(cyd, `mutation($id: ID!) { setDefaultPaymentMethod(paymentMethodId: $id) { id } }`, {
      id: saved.paymentMethod.id,
    });
    expect(await h.subscribe(cyd, 'lite')).toMatchObject({ __typename: 'Subscribed' });
    const profile = await h.profile(cyd, '{ userId: "cyd" }');
    expect(profile).toMatchObject({
      unpaidInvoice: false,
      subscription: { status: 'ACTIVE' },
      entitlements: { basis: 'SUBSCRIPTION' },
    });
    expect(profile.invoices.edges.map((e: any) => e.node.status).sort()).toEqual(['PAID', 'VOID']);
    const customer = await h.providerCustomerId({ userId: 'cyd' });
    expect((await h.stripe.subscriptions.list({ customer, status: 'all' })).data.map((s) => s.status).sort()).toEqual([
      'active',
      'canceled',
    ]);
  });

  it('requires a saved payment method before subscribing', async () => {
    const ed = await actor('ed');
    expect(await h.subscribe(ed, 'lite')).toMatchObject({
      __typename: 'PaymentMethodRequired',
      code: 'PAYMENT_METHOD_REQUIRED',
    });
  });

  it("acts for a group only for the group's admins", async () => {
    const admin = { ...(await actor('gadmin', ['studio'])), groupId: 'studio' };
    const member = { ...(await actor('gmember')), groupId: 'studio' };
    await expect(h.savePaymentMethod(member, 'pm_card_visa')).rejects.toThrow(/FORBIDDEN/);
    expect(await h.savePaymentMethod(admin, 'pm_card_mastercard')).toMatchObject({
      paymentMethod: { brand: 'mastercard' },
    });
    expect(await h.subscribe(admin, 'lite')).toMatchObject({ __typename: 'Subscribed' });
    expect(await t.db.prisma.customer.findFirstOrThrow({ where: { groupId: 'studio' } })).toMatchObject({
      planId: 'lite',
    });
  });

  it("reads another user's invoice as absent when asked to pay it: no existence oracle", async () => {
    const victor = await actor('victor');
    await h.savePaymentMethod(victor, 'pm_card_visa');
    expect(await h.subscribe(victor, 'lite')).toMatchObject({ __typename: 'Subscribed' });
    const [invoice] = await t.db.prisma.invoice.findMany({ where: { customer: { userId: 'victor' } } });
    const mallory = await actor('mallory');
    const pay = (id: string) =>
      t.graphql(`mutation($id: ID!) { payInvoice(invoiceId: $id) { __typename } }`, {
        token: mallory.token,
        variables: { id },
      });
    const someoneElses = await pay(invoice!.id);
    const unknown = await pay('00000000-0000-4000-8000-000000000000');
    expect(someoneElses.errors).toEqual(unknown.errors);
    expect(someoneElses.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('rejects bad input with BAD_USER_INPUT and changes nothing', async () => {
    const fay = await actor('fay');
    for (const input of [
      '{ country: "XX" }',
      '{ vatNumber: "FR00000000000", country: "FR" }',
      '{ billingEmail: "not-an-email" }',
      '{ vatNumber: "DE136695976", country: "FR" }',
    ]) {
      const res = await t.graphql(`mutation { updateBillingProfile(input: ${input}) { id } }`, { token: fay.token });
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    const business = await t.graphql(
      `mutation { updateBillingProfile(input: { country: "DE", vatNumber: "DE136695976" }) { id } }`,
      { token: fay.token },
    );
    expect(business.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'legalName' });
    for (const [mutation, field] of [
      ['payInvoice(invoiceId: "in_123") { __typename }', 'invoiceId'],
      ['setDefaultPaymentMethod(paymentMethodId: "pm_1") { id }', 'paymentMethodId'],
      ['removePaymentMethod(paymentMethodId: "x") { __typename }', 'paymentMethodId'],
    ]) {
      const malformed = await t.graphql(`mutation { ${mutation} }`, { token: fay.token });
      expect(malformed.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field });
    }
    const unknownPlan = await t.graphql(`mutation { subscribe(planId: "platinum", interval: MONTH) { __typename } }`, {
      token: fay.token,
    });
    expect(unknownPlan.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await t.db.prisma.customer.findFirst({ where: { userId: 'fay', legalName: { not: null } } })).toBeNull();
  });
});
