import { BillingHarness, type Actor } from '../support/billing-harness';
import { eventually } from '../support/eventually';
import { startTestApp, type TestApp } from '../support/test-app';
import { describeEachDatabase } from '../support/test-database';

const HOUR = 3_600_000;

const CHANGE = `mutation($planId: ID!, $v: Int!) {
  changePlan(planId: $planId, interval: MONTH, expectedVersion: $v) {
    __typename
    ... on PlanChanged { subscription { plan { id } pendingChange { plan { id } } } }
    ... on PaymentRequiresAction { clientSecret pendingSubscription { plan { id } pendingChange { plan { id } interval price { amount } expiresAt } } }
    ... on PaymentFailed { code declineCode }
  } }`;
const COMPLETE_SETUP = `mutation($id: ID!) { completePaymentMethodSetup(setupIntentId: $id) { ... on PaymentMethodSaved { paymentMethod { id } } } }`;
const SET_DEFAULT = `mutation($id: ID!) { setDefaultPaymentMethod(paymentMethodId: $id) { id } }`;

describeEachDatabase('upgrades paid before they apply (%s)', (kind) => {
  let t: TestApp;
  let h: BillingHarness;

  beforeAll(async () => {
    t = await startTestApp(kind);
    h = new BillingHarness(t);
  });
  afterAll(() => t.close());

  /** Subscribed to lite with a working card, then `card` saved and made the default for what follows. */
  async function onLiteThenCard(
    sub: string,
    card: string,
    onClock = false,
  ): Promise<{ actor: Actor; owner: string; version: number; clock: string | null }> {
    const actor = { token: await t.token({ sub }) };
    await h.savePaymentMethod(actor, 'pm_card_visa');
    const clock = onClock ? await h.putOnTestClock(await h.providerCustomerId({ userId: sub }), new Date()) : null;
    const subscribed = await h.subscribe(actor, 'lite');
    expect(subscribed.__typename).toBe('Subscribed');
    let saved = await h.savePaymentMethod(actor, card);
    if (saved.__typename === 'SetupRequiresAction') {
      // A card that asks for 3-D Secure at every payment asks at its setup too.
      await h.authenticate(saved.clientSecret);
      saved = (await h.mutate(actor, COMPLETE_SETUP, { id: saved.clientSecret.split('_secret_')[0] }))
        .completePaymentMethodSetup;
    }
    await h.mutate(actor, SET_DEFAULT, { id: saved.paymentMethod.id });
    const { subscription } = await h.profile(actor, `{ userId: "${sub}" }`);
    return { actor, owner: `{ userId: "${sub}" }`, version: subscription.version, clock };
  }

  async function pendingChangeOf(actor: Actor, user: string) {
    const res = await t.graphql<any>(
      `{ billingProfile(owner: { userId: "${user}" }) { subscription { pendingChange { plan { id } expiresAt } } } }`,
      { token: actor.token },
    );
    return res.data.billingProfile.subscription.pendingChange;
  }

  async function providerPriceOf(user: string): Promise<string> {
    const [subscription] = (
      await h.stripe.subscriptions.list({ customer: await h.providerCustomerId({ userId: user }) })
    ).data;
    return subscription!.items.data[0]!.price.id;
  }

  async function providerPriceIdOf(planId: string): Promise<string | null> {
    return (await t.db.prisma.planPrice.findFirstOrThrow({ where: { planId, interval: 'MONTH' } })).providerPriceId;
  }

  it('keeps the old plan and entitlements when the upgrade payment is declined, with the change pending', async () => {
    const { actor, owner, version } = await onLiteThenCard('dora', 'pm_card_chargeCustomerFail');
    const { changePlan } = await h.mutate(actor, CHANGE, { planId: 'pro', v: version });
    expect(changePlan).toEqual({ __typename: 'PaymentFailed', code: 'PAYMENT_FAILED', declineCode: 'generic_decline' });

    const profile = await h.profile(actor, owner);
    // The failed payment decides only whether the upgrade happens: the paid plan stays, no unpaid banner.
    expect(profile).toMatchObject({
      unpaidInvoice: false,
      plan: { id: 'lite' },
      entitlements: { basis: 'SUBSCRIPTION', driveStorage: '100000000000' },
      subscription: { status: 'ACTIVE', plan: { id: 'lite' } },
    });
    expect(await pendingChangeOf(actor, 'dora')).toMatchObject({ plan: { id: 'pro' } });
    expect(await providerPriceOf('dora')).toBe(await providerPriceIdOf('lite'));
    expect(profile.invoices.edges.map((e: any) => e.node.status)).toEqual(expect.arrayContaining(['OPEN', 'PAID']));
  });

  it('moves to the new plan once the 3-D Secure challenge is passed, not before', async () => {
    const { actor, owner, version } = await onLiteThenCard('ezra', 'pm_card_authenticationRequired');
    const { changePlan } = await h.mutate(actor, CHANGE, { planId: 'pro', v: version });
    expect(changePlan).toMatchObject({
      __typename: 'PaymentRequiresAction',
      clientSecret: expect.stringMatching(/_secret_/),
      pendingSubscription: {
        plan: { id: 'lite' },
        pendingChange: {
          plan: { id: 'pro' },
          interval: 'MONTH',
          price: { amount: expect.any(Number) },
          expiresAt: expect.any(String),
        },
      },
    });
    expect(await h.profile(actor, owner)).toMatchObject({ plan: { id: 'lite' }, unpaidInvoice: false });

    await h.authenticate(changePlan.clientSecret);
    const upgraded = await eventually(
      () => h.profile(actor, owner),
      (p) => p.plan.id === 'pro',
    );
    expect(upgraded).toMatchObject({
      unpaidInvoice: false,
      entitlements: { driveStorage: '400000000000' },
      subscription: { plan: { id: 'pro' } },
    });
    expect(await pendingChangeOf(actor, 'ezra')).toBeNull();
    expect(await providerPriceOf('ezra')).toBe(await providerPriceIdOf('pro'));
  });

  it('upgrades at once when the card pays, nothing left pending', async () => {
    const { actor, owner, version } = await onLiteThenCard('fay', 'pm_card_mastercard');
    const { changePlan } = await h.mutate(actor, CHANGE, { planId: 'pro', v: version });
    expect(changePlan).toEqual({
      __typename: 'PlanChanged',
      subscription: { plan: { id: 'pro' }, pendingChange: null },
    });
    expect(await h.profile(actor, owner)).toMatchObject({ plan: { id: 'pro' }, unpaidInvoice: false });
  });

  it("replaces a pending change by a new choice: the first one's invoice is voided, never charged later", async () => {
    const { actor, owner, version } = await onLiteThenCard('hope', 'pm_card_chargeCustomerFail');
    expect((await h.mutate(actor, CHANGE, { planId: 'pro', v: version })).changePlan.__typename).toBe('PaymentFailed');
    const visa = (await h.profile(actor, owner)).paymentMethods.find((m: any) => m.last4 === '4242');
    await h.mutate(actor, SET_DEFAULT, { id: visa.id });
    const { subscription } = await h.profile(actor, owner);
    const { changePlan } = await h.mutate(actor, CHANGE, { planId: 'ultra', v: subscription.version });
    expect(changePlan).toEqual({
      __typename: 'PlanChanged',
      subscription: { plan: { id: 'ultra' }, pendingChange: null },
    });
    const after = await h.profile(actor, owner);
    expect(after).toMatchObject({ unpaidInvoice: false, plan: { id: 'ultra' } });
    // Lite's invoice; the voided change's invoice and its credit for unused Lite time, both void; Ultra's two.
    expect(after.invoices.edges.map((e: any) => e.node.status).sort()).toEqual([
      'PAID',
      'PAID',
      'PAID',
      'VOID',
      'VOID',
    ]);
    const voided = after.invoices.edges.map((e: any) => e.node).filter((d: any) => d.status === 'VOID');
    expect(voided.map((d: any) => d.kind).sort()).toEqual(['CREDIT_NOTE', 'INVOICE']);
  });

  it('drops the pending upgrade when it expires: old plan, its invoice voided', async () => {
    const { actor, owner, version, clock } = await onLiteThenCard('gabe', 'pm_card_chargeCustomerFail', true);
    expect((await h.mutate(actor, CHANGE, { planId: 'pro', v: version })).changePlan.__typename).toBe('PaymentFailed');
    const { expiresAt } = await pendingChangeOf(actor, 'gabe');
    expect(new Date(expiresAt).getTime()).toBeLessThanOrEqual(Date.now() + 23 * HOUR);

    await h.advance(clock!, new Date(new Date(expiresAt).getTime() + HOUR));
    const after = await eventually(
      async () => ({ profile: await h.profile(actor, owner), pending: await pendingChangeOf(actor, 'gabe') }),
      ({ profile, pending }) => pending === null && profile.invoices.edges.every((e: any) => e.node.status !== 'OPEN'),
    );
    expect(after.profile).toMatchObject({
      unpaidInvoice: false,
      plan: { id: 'lite' },
      subscription: { status: 'ACTIVE', plan: { id: 'lite' } },
    });
    expect(after.profile.invoices.edges.map((e: any) => e.node.status)).toContain('VOID');
    expect(await providerPriceOf('gabe')).toBe(await providerPriceIdOf('lite'));
  });
});
