import { BillingHarness, type Actor } from '../support/billing-harness';
import { startTestApp, type TestApp } from '../support/test-app';

const UPDATE = `mutation($input: BillingProfileInput!) { updateBillingProfile(input: $input) {
  legalIdentity { legalName vatNumber billingEmail address { line1 postalCode city country } } } }`;

describe('updateBillingProfile is a patch', () => {
  let t: TestApp;
  let h: BillingHarness;
  let hans: Actor;
  let subscriptionId: string;

  const update = (input: Record<string, unknown>) =>
    t.graphql<any>(UPDATE, { token: hans.token, variables: { input } });
  const row = () => t.db.prisma.customer.findFirstOrThrow({ where: { userId: 'hans' } });
  /** The tax rates the provider applies to the live subscription, as percentages (Stripe embeds them whole). */
  const providerTaxRates = async () =>
    (await h.stripe.subscriptions.retrieve(subscriptionId)).default_tax_rates?.map((rate) => rate.percentage);
  const taxRateWrites = async () =>
    (await h.requestLog()).filter((r) => r.method === 'POST' && r.path === `/v1/subscriptions/${subscriptionId}`)
      .length;

  beforeAll(async () => {
    t = await startTestApp('pglite');
    h = new BillingHarness(t);
    hans = { token: await t.token({ sub: 'hans' }) };
    const business = {
      legalName: 'Muster AG',
      addressLine1: 'Neue Str. 9',
      postalCode: '80331',
      city: 'Munich',
      country: 'DE',
      vatNumber: 'DE136695976',
      billingEmail: 'billing@muster.example',
    };
    expect((await update(business)).errors).toBeUndefined();
    await h.savePaymentMethod(hans, 'pm_card_visa');
    const subscribed = await h.subscribe(hans, 'lite');
    subscriptionId = (await t.db.prisma.subscription.findFirstOrThrow({ where: { id: subscribed.subscription.id } }))
      .providerSubscriptionId;
  });
  afterAll(() => t.close());

  it('reverse-charges the German business: no provider tax rate', async () => {
    expect(await providerTaxRates()).toEqual([]);
  });

  it('says its VAT number was checked for format only, the registry not asked (VIES is off here)', async () => {
    const res = await t.graphql<any>(
      `query { billingProfile(owner: { userId: "hans" }) { legalIdentity { vatNumberStatus } invoices(first: 1) { edges { node { vatNumberStatus vatTreatment } } } } }`,
      { token: hans.token },
    );
    expect(res.data.billingProfile.legalIdentity.vatNumberStatus).toBe('FORMAT_VALID');
    expect(res.data.billingProfile.invoices.edges[0].node).toEqual({
      vatNumberStatus: 'FORMAT_VALID',
      vatTreatment: 'REVERSE_CHARGE',
    });
  });

  it('keeps every field it is not given, and calls the provider only when the VAT inputs change', async () => {
    const writesBefore = await taxRateWrites();
    const res = await update({ city: 'Berlin', postalCode: '10115' });
    expect(res.errors).toBeUndefined();
    expect(res.data.updateBillingProfile.legalIdentity).toEqual({
      legalName: 'Muster AG',
      vatNumber: 'DE136695976',
      billingEmail: 'billing@muster.example',
      address: { line1: 'Neue Str. 9', postalCode: '10115', city: 'Berlin', country: 'DE' },
    });
    expect(await taxRateWrites()).toBe(writesBefore);
  });

  it('clears a field given as null, and only that one', async () => {
    const res = await update({ billingEmail: null });
    expect(res.errors).toBeUndefined();
    expect(await row()).toMatchObject({
      billingEmail: null,
      legalName: 'Muster AG',
      vatNumber: 'DE136695976',
      city: 'Berlin',
    });
  });

  it('refuses a patch that would leave an inconsistent identity, and writes nothing', async () => {
    const before = await row();
    for (const [input, field] of [
      [{ country: 'FR' }, 'vatNumber'], // the stored German VAT number is not of France
      [{ legalName: null }, 'legalName'], // a business with a VAT number needs its name
      [{ city: '   ' }, 'city'], // blank clears, which the VAT number forbids too
    ] as const) {
      const res = await update(input);
      expect(res.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field });
    }
    // (webhook jobs of the subscription may still touch the row's payment columns meanwhile)
    const { legalName, addressLine1, postalCode, city, country, vatNumber, billingEmail } = before;
    expect(await row()).toMatchObject({ legalName, addressLine1, postalCode, city, country, vatNumber, billingEmail });
  });

  it('clearing the VAT number makes the business a German consumer: 19 % from the next invoice', async () => {
    const res = await update({ vatNumber: null });
    expect(res.errors).toBeUndefined();
    expect(await row()).toMatchObject({ vatNumber: null, country: 'DE', legalName: 'Muster AG' });
    expect(await providerTaxRates()).toEqual([19]);
  });

  it('moving to France (country alone) switches the rate to 20 %', async () => {
    expect((await update({ country: 'FR' })).errors).toBeUndefined();
    expect(await providerTaxRates()).toEqual([20]);
  });
});
