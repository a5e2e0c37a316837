import { BillingHarness } from '../support/billing-harness';
import { startTestApp, type TestApp } from '../support/test-app';

const PICTURE = `{ billingProfile(owner: { userId: "cy" }) {
  unpaidInvoice
  subscriptionHistory { id status plan { id } }
  invoices(first: 5) { edges { node { id status } } }
  providerEvents(first: 100) { id providerEventId type objectType processedAt attempts failed }
  auditLog(first: 10) { edges { node { operation outcome } } }
} }`;

describe('admin exceptions on the Stripe emulator: uncollectible invoices, replayed events, the full picture', () => {
  let t: TestApp;
  let h: BillingHarness;
  let admin: { token: string };
  let cy: { token: string };
  let invoiceId: string;

  beforeAll(async () => {
    t = await startTestApp('pglite');
    h = new BillingHarness(t);
    admin = { token: await t.token({ sub: 'alice-admin', roles: ['admin'] }) };
    cy = { token: await t.token({ sub: 'cy' }) };
    await h.savePaymentMethod(cy, 'pm_card_chargeCustomerFail');
    expect(await h.subscribe(cy, 'lite')).toMatchObject({ __typename: 'PaymentFailed' });
    await h.settled();
  });
  afterAll(() => t.close());

  it("shows the customer's full picture to an admin: subscriptions, invoices, provider events", async () => {
    const { billingProfile } = await h.mutate(admin, PICTURE);
    expect(billingProfile.unpaidInvoice).toBe(true);
    expect(billingProfile.subscriptionHistory).toEqual([
      { id: expect.any(String), status: 'INCOMPLETE', plan: { id: 'lite' } },
    ]);
    expect(billingProfile.invoices.edges[0].node.status).toBe('OPEN');
    invoiceId = billingProfile.invoices.edges[0].node.id;
    const types = billingProfile.providerEvents.map((e: any) => e.type);
    expect(types).toEqual(expect.arrayContaining(['customer.subscription.created', 'invoice.payment_failed']));
    expect(billingProfile.providerEvents.every((e: any) => e.processedAt && !e.failed)).toBe(true);
  });

  it('keeps the admin fields from the owner', async () => {
    const res = await t.graphql(
      `{ billingProfile(owner: { userId: "cy" }) { subscriptionHistory { id } providerEvents { id } auditLog { edges { cursor } } } }`,
      { token: cy.token },
    );
    expect(res.errors?.map((e) => [e.path?.join('.'), e.extensions?.code]).sort()).toEqual([
      ['billingProfile.auditLog', 'FORBIDDEN'],
      ['billingProfile.providerEvents', 'FORBIDDEN'],
      ['billingProfile.subscriptionHistory', 'FORBIDDEN'],
    ]);
  });

  it('marks an open invoice uncollectible: the provider stops, the banner clears; only once', async () => {
    const { markInvoiceUncollectible } = await h.mutate(
      admin,
      `mutation($id: ID!) { markInvoiceUncollectible(invoiceId: $id) { __typename ... on InvoiceMarkedUncollectible { invoice { id status } } ... on InvoiceNotOpen { code status } } }`,
      { id: invoiceId },
    );
    expect(markInvoiceUncollectible).toEqual({
      __typename: 'InvoiceMarkedUncollectible',
      invoice: { id: invoiceId, status: 'UNCOLLECTIBLE' },
    });
    const row = await t.db.prisma.invoice.findUniqueOrThrow({ where: { id: invoiceId } });
    expect((await h.stripe.invoices.retrieve(row.providerInvoiceId!)).status).toBe('uncollectible');
    expect((await h.mutate(admin, PICTURE)).billingProfile.unpaidInvoice).toBe(false);
    const { me } = await h.mutate(cy, '{ me: billingProfile(owner: { userId: "cy" }) { unpaidInvoice } }');
    expect(me.unpaidInvoice).toBe(false);

    const again = await h.mutate(
      admin,
      `mutation($id: ID!) { markInvoiceUncollectible(invoiceId: $id) { __typename ... on InvoiceNotOpen { code status } } }`,
      { id: invoiceId },
    );
    expect(again.markInvoiceUncollectible).toEqual({
      __typename: 'InvoiceNotOpen',
      code: 'INVOICE_NOT_OPEN',
      status: 'UNCOLLECTIBLE',
    });
    const unknown = await t.graphql(
      `mutation { markInvoiceUncollectible(invoiceId: "00000000-0000-4000-8000-000000000000") { __typename } }`,
      { token: admin.token },
    );
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const user = await t.graphql(`mutation($id: ID!) { markInvoiceUncollectible(invoiceId: $id) { __typename } }`, {
      token: cy.token,
      variables: { id: invoiceId },
    });
    expect(user.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('replays a failed provider event: processed now; a failing one says so; a processed one is left alone', async () => {
    await h.settled();
    const invoiceEvent = await t.db.prisma.providerEvent.findFirstOrThrow({
      where: { type: 'invoice.marked_uncollectible' },
    });
    // As a failed job would leave it: unprocessed, with an error and attempts.
    await t.db.prisma.providerEvent.update({
      where: { id: invoiceEvent.id },
      data: { processedAt: null, attempts: 11, lastError: 'provider unavailable' },
    });
    const before = await h.mutate(admin, PICTURE);
    expect(before.billingProfile.providerEvents.find((e: any) => e.id === invoiceEvent.id)).toMatchObject({
      failed: true,
      attempts: 11,
      processedAt: null,
    });

    const replay = (id: string) =>
      h.mutate(
        admin,
        `mutation($id: ID!) { replayProviderEvent(id: $id) { __typename
        ... on ProviderEventReplayed { event { id processedAt failed attempts } }
        ... on ProviderEventReplayFailed { code event { failed attempts } }
        ... on EventAlreadyProcessed { code event { id } } } }`,
        { id },
      );
    const replayed = await replay(invoiceEvent.providerEventId);
    expect(replayed.replayProviderEvent).toMatchObject({
      __typename: 'ProviderEventReplayed',
      event: { id: invoiceEvent.id, processedAt: expect.any(String), failed: false, attempts: 12 },
    });
    expect((await replay(invoiceEvent.id)).replayProviderEvent).toMatchObject({
      __typename: 'EventAlreadyProcessed',
      code: 'EVENT_ALREADY_PROCESSED',
    });

    const broken = await t.db.prisma.providerEvent.create({
      data: {
        providerEventId: 'evt_admin_broken',
        type: 'invoice.paid',
        payload: {
          objectType: 'invoice',
          objectId: 'in_does_not_exist',
          createdAt: new Date().toISOString(),
          event: {},
        },
      },
    });
    const failed = await replay('evt_admin_broken');
    expect(failed.replayProviderEvent).toEqual({
      __typename: 'ProviderEventReplayFailed',
      code: 'EVENT_PROCESSING_FAILED',
      event: { failed: true, attempts: 1 },
    });
    expect(JSON.stringify(failed)).not.toMatch(/No such|in_does_not_exist/);
    expect((await t.db.prisma.providerEvent.findUniqueOrThrow({ where: { id: broken.id } })).processedAt).toBeNull();
    const missing = await t.graphql(`mutation { replayProviderEvent(id: "evt_nope") { __typename } }`, {
      token: admin.token,
    });
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('lists the admin actions on the customer in its picture', async () => {
    // Written before the response leaves: no waiting.
    const { billingProfile } = await h.mutate(admin, PICTURE);
    expect(billingProfile.auditLog.edges.map((e: any) => `${e.node.operation}:${e.node.outcome}`)).toEqual([
      'markInvoiceUncollectible:INVOICE_NOT_OPEN',
      'markInvoiceUncollectible:OK',
    ]);
  });
});
