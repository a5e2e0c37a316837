import { BillingHarness, type Actor } from '../support/billing-harness';
import { startTestApp, type TestApp } from '../support/test-app';

const RECONCILE = `mutation($owner: BillingOwnerInput!) { reconcileCustomer(owner: $owner) { plan { id } } }`;

// A Stripe customer deleted in the Dashboard (or by Stripe's API): what concerns the provider, not the
// database, so PGlite is enough.
describe('a provider customer deleted at the provider', () => {
  let t: TestApp;
  let h: BillingHarness;

  beforeAll(async () => {
    // One delivery attempt: a refused webhook is lost for good.
    t = await startTestApp('pglite', {}, { stripeEmulator: { webhookRetry: { maxAttempts: 1 } } });
    h = new BillingHarness(t);
    await h.watchEvents();
  });
  afterEach(() => t.refuseWebhooks(false));
  afterAll(() => t.close());

  async function subscribedThenDeleted(sub: string, { webhooksLost = false } = {}) {
    const actor: Actor = { token: await t.token({ sub }) };
    await h.savePaymentMethod(actor, 'pm_card_visa');
    expect((await h.subscribe(actor, 'lite')).__typename).toBe('Subscribed');
    await h.settled();
    const before = await t.db.prisma.customer.findFirstOrThrow({ where: { userId: sub } });
    t.refuseWebhooks(webhooksLost);
    await h.stripe.customers.del(before.providerCustomerId!);
    await h.settled();
    t.refuseWebhooks(false);
    return { actor, before };
  }

  /** Our rows as the provider's deletion left them: nothing to charge, nothing live, the invoices kept. */
  async function expectForgotten(sub: string, actor: Actor, before: { id: string; anonymousId: string }) {
    expect(await h.profile(actor, `{ userId: "${sub}" }`)).toMatchObject({
      subscription: null,
      plan: { id: 'free' },
      entitlements: { basis: 'FREE_PLAN' },
      paymentMethods: [],
      unpaidInvoice: false,
      invoices: { edges: [{ node: { status: 'PAID' } }] },
    });
    const after = await t.db.prisma.customer.findUniqueOrThrow({ where: { id: before.id } });
    expect(after.providerCustomerId).toBeNull();
    expect(after.anonymousId).not.toBe(before.anonymousId);
  }

  it('ends the subscription and the saved methods with its webhook, and the next payment makes a new, unlinked one', async () => {
    const { actor, before } = await subscribedThenDeleted('gone');
    await expectForgotten('gone', actor, before);

    await h.savePaymentMethod(actor, 'pm_card_mastercard');
    expect((await h.subscribe(actor, 'lite')).__typename).toBe('Subscribed');
    const again = await t.db.prisma.customer.findUniqueOrThrow({ where: { id: before.id } });
    expect(again.providerCustomerId).not.toBe(before.providerCustomerId);
    const providerCustomer = await h.stripe.customers.retrieve(again.providerCustomerId!);
    expect(providerCustomer).toMatchObject({ metadata: { anonymous_id: again.anonymousId } });
  });

  it("is repaired by the next payment attempt when the deletion's webhooks were lost: a typed error, then a new one", async () => {
    const { actor, before } = await subscribedThenDeleted('next', { webhooksLost: true });
    expect(await h.profile(actor, '{ userId: "next" }')).toMatchObject({ subscription: { status: 'ACTIVE' } });

    const refused = await t.graphql(`mutation { startPaymentMethodSetup { setupIntentId } }`, { token: actor.token });
    expect(refused.errors).toEqual([
      expect.objectContaining({
        message: 'The payment account was closed at the payment provider and has been reset: try again.',
        extensions: expect.objectContaining({ code: 'PROVIDER_UNAVAILABLE' }),
      }),
    ]);
    await expectForgotten('next', actor, before);
    expect((await h.savePaymentMethod(actor, 'pm_card_visa')).paymentMethod).toMatchObject({ brand: 'visa' });
  });

  it("is repaired by reconciliation when the deletion's webhooks were lost", async () => {
    const { actor, before } = await subscribedThenDeleted('lost', { webhooksLost: true });
    const admin: Actor = { token: await t.token({ sub: 'ops', roles: ['admin'] }) };
    expect(await h.mutate(admin, RECONCILE, { owner: { userId: 'lost' } })).toEqual({
      reconcileCustomer: { plan: { id: 'free' } },
    });
    await expectForgotten('lost', actor, before);
  });

  it('reconciles the provider customer a row names now, not the one a stale read named', async () => {
    const { actor, before } = await subscribedThenDeleted('stale');
    await h.savePaymentMethod(actor, 'pm_card_visa');
    const current = await t.db.prisma.customer.findUniqueOrThrow({ where: { id: before.id } });
    expect(current.providerCustomerId).not.toBe(before.providerCustomerId);
    // A sweep that read the row before the deletion reaches it now.
    const staleRow = (await t.app.domain.customers.findById(before.id))!;
    await t.app.domain.services.reconciliation.reconcile({
      ...staleRow,
      providerCustomerId: before.providerCustomerId,
    });
    expect((await h.profile(actor, '{ userId: "stale" }')).paymentMethods).toEqual([
      expect.objectContaining({ brand: 'visa', isDefault: true }),
    ]);
  });
});
