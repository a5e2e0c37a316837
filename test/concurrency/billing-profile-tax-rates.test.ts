// updateBillingProfile writes the live subscription's tax rates at the provider. Two changes of country sent
// at once to two replicas must leave the provider charging the VAT of the identity stored last: both run
// under the customer's lock, one after the other, never interleaved between database and provider.
import { BillingHarness } from '../support/billing-harness';
import { startTestApp, type TestApp } from '../support/test-app';
import { describeOnPostgres } from '../support/test-database';

const UPDATE = `mutation($input: BillingProfileInput!) { updateBillingProfile(input: $input) { legalIdentity { address { country } } } }`;
/** Consumer VAT of each country the test moves between, in percent. */
const RATES: Record<string, number> = { FR: 20, LU: 17, DE: 19, HU: 27 };

describeOnPostgres('billing profile changes across two replicas', () => {
  let a: TestApp;
  let b: TestApp;
  let h: BillingHarness;

  beforeAll(async () => {
    a = await startTestApp('postgres');
    b = await startTestApp('postgres', {}, { replicaOf: a });
    h = new BillingHarness(a);
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('leaves the provider on the VAT of the country stored last, whatever the race', async () => {
    const actor = { token: await a.token({ sub: 'mover' }) };
    expect(
      (await a.graphql(UPDATE, { token: actor.token, variables: { input: { country: 'DE' } } })).errors,
    ).toBeUndefined();
    await h.savePaymentMethod(actor, 'pm_card_visa');
    expect((await h.subscribe(actor, 'lite')).__typename).toBe('Subscribed');
    const customer = await a.db.prisma.customer.findFirstOrThrow({ where: { userId: 'mover' } });
    const { providerSubscriptionId } = await a.db.prisma.subscription.findFirstOrThrow({
      where: { customerId: customer.id },
    });

    for (const [first, second] of [
      ['FR', 'LU'],
      ['HU', 'DE'],
      ['LU', 'FR'],
      ['DE', 'HU'],
    ] as const) {
      const answers = await Promise.all([
        a.graphql(UPDATE, { token: actor.token, variables: { input: { country: first } } }),
        b.graphql(UPDATE, { token: actor.token, variables: { input: { country: second } } }),
      ]);
      for (const answer of answers) expect(answer.errors).toBeUndefined();
      const stored = (await a.db.prisma.customer.findUniqueOrThrow({ where: { id: customer.id } })).country!;
      const charged = (await h.stripe.subscriptions.retrieve(providerSubscriptionId)).default_tax_rates?.map(
        (rate) => rate.percentage,
      );
      expect(charged).toEqual([RATES[stored]]);
    }

    // Each change ran whole before the next began: the lock, not luck, ordered them.
    const operations = await a.db.prisma.billingOperation.findMany({
      where: { customerId: customer.id, kind: 'UPDATE_BILLING_PROFILE' },
      orderBy: { createdAt: 'asc' },
    });
    expect(operations).toHaveLength(9);
    for (const [index, operation] of operations.entries()) {
      expect(operation.status).toBe('SUCCEEDED');
      const next = operations[index + 1];
      if (next) expect(next.createdAt.getTime()).toBeGreaterThanOrEqual(operation.finishedAt!.getTime());
    }
  });
});
