import { BillingHarness, type Actor } from '../support/billing-harness';
import { startTestApp, type TestApp } from '../support/test-app';

// Detaching a closed customer's cards concerns the provider, not the database: PGlite is enough.
describe('closing an account', () => {
  let t: TestApp;
  let h: BillingHarness;

  beforeAll(async () => {
    t = await startTestApp('pglite');
    h = new BillingHarness(t);
  });
  afterAll(() => t.close());

  it('cancels the subscription, detaches every card at the provider and keeps the invoices for admins', async () => {
    const ada: Actor = { token: await t.token({ sub: 'ada' }) };
    await h.mutate(
      ada,
      `mutation { updateBillingProfile(input: { legalName: "Ada Lovelace", addressLine1: "1 rue X", city: "Paris", country: "FR" }) { id } }`,
    );
    await h.savePaymentMethod(ada, 'pm_card_visa');
    await h.savePaymentMethod(ada, 'pm_card_mastercard');
    expect((await h.subscribe(ada, 'lite')).__typename).toBe('Subscribed');
    const customer = await t.db.prisma.customer.findFirstOrThrow({ where: { userId: 'ada' } });
    const providerCustomer = customer.providerCustomerId!;
    expect((await h.stripe.paymentMethods.list({ customer: providerCustomer })).data).toHaveLength(2);

    const closed = await t.graphql(`mutation { closeCustomer(owner: { userId: "ada" }) }`, {
      token: await t.token({ sub: 'accounts', roles: ['service'] }),
    });
    expect(closed).toEqual({ status: 200, data: { closeCustomer: true } });

    expect((await h.stripe.paymentMethods.list({ customer: providerCustomer })).data).toEqual([]);
    expect(await t.db.prisma.paymentMethod.count({ where: { customerId: customer.id } })).toBe(0);
    const [subscription] = (await h.stripe.subscriptions.list({ customer: providerCustomer, status: 'all' })).data;
    expect(subscription?.status).toBe('canceled');
    expect(await t.db.prisma.customer.findUniqueOrThrow({ where: { id: customer.id } })).toMatchObject({
      userId: null,
      legalName: null,
    });
    const admin = await t.token({ sub: 'root', roles: ['admin'] });
    const invoice = await t.db.prisma.invoice.findFirstOrThrow({ where: { customerId: customer.id } });
    const read = await t.graphql<any>(`query($id: ID!) { invoice(id: $id) { number } }`, {
      token: admin,
      variables: { id: invoice.id },
    });
    expect(read.data.invoice.number).toBe(invoice.number);
  });
});
