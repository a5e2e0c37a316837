import { startTestApp, type TestApp } from '../support/test-app';
import { describeEachDatabase } from '../support/test-database';

describeEachDatabase('when the payment provider cannot be reached (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
    await t.app.stripeEmulator!.close();
  });
  afterAll(() => t.close());

  it('answers PROVIDER_UNAVAILABLE after bounded retries, with no detail and no provider customer recorded', async () => {
    const res = await t.graphql(`mutation { startPaymentMethodSetup { clientSecret } }`, {
      token: await t.token({ sub: 'ola' }),
    });
    expect(res.errors).toEqual([
      expect.objectContaining({
        message: 'The payment provider is unavailable: try again later.',
        extensions: { code: 'PROVIDER_UNAVAILABLE' },
      }),
    ]);
    expect(JSON.stringify(res)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|stripe/i);
    expect(
      await t.db.prisma.customer.findFirst({ where: { userId: 'ola', providerCustomerId: { not: null } } }),
    ).toBeNull();
  });
});
