import { newKey, startProviderHarness, type ProviderHarness } from './provider-harness.ts';

let harness: ProviderHarness;
beforeEach(async () => {
  harness = await startProviderHarness();
});
afterEach(() => harness.close());

const PRO = { id: 'plan-pro', name: 'Pro' };
const PRO_MONTHLY = { id: 'price-pro-monthly', interval: 'MONTH' as const, amount: 999, currency: 'EUR' };
const PRO_YEARLY = { id: 'price-pro-yearly', interval: 'YEAR' as const, amount: 9990, currency: 'EUR' };

describe('mirroring a plan price', () => {
  it('creates a product for the plan and a recurring price keyed by our price id', async () => {
    const priceId = await harness.provider.ensurePrice(PRO, PRO_MONTHLY, newKey());
    const price = await harness.browser.prices.retrieve(priceId, { expand: ['product'] });
    expect(price).toMatchObject({
      unit_amount: 999,
      currency: 'eur',
      recurring: { interval: 'month', interval_count: 1 },
      lookup_key: 'price-pro-monthly',
      metadata: { plan_id: 'plan-pro', price_id: 'price-pro-monthly' },
      product: { name: 'Pro', metadata: { plan_id: 'plan-pro' } },
    });
  });

  it('reuses the price and its product when called again', async () => {
    const first = await harness.provider.ensurePrice(PRO, PRO_MONTHLY, newKey());
    expect(await harness.provider.ensurePrice(PRO, PRO_MONTHLY, newKey())).toBe(first);
    expect((await harness.browser.prices.list()).data).toHaveLength(1);
    expect((await harness.browser.products.list()).data).toHaveLength(1);
  });

  it('puts the yearly price on the same product as the monthly one', async () => {
    const monthly = await harness.browser.prices.retrieve(
      await harness.provider.ensurePrice(PRO, PRO_MONTHLY, newKey()),
    );
    const yearly = await harness.browser.prices.retrieve(await harness.provider.ensurePrice(PRO, PRO_YEARLY, newKey()));
    expect(yearly).toMatchObject({ product: monthly.product, unit_amount: 9990, recurring: { interval: 'year' } });
  });

  it('replaces a price whose amount changed and archives the old one', async () => {
    const old = await harness.provider.ensurePrice(PRO, PRO_MONTHLY, newKey());
    const replaced = await harness.provider.ensurePrice(
      { ...PRO, name: 'Pro+' },
      { ...PRO_MONTHLY, amount: 1299 },
      newKey(),
    );
    expect(replaced).not.toBe(old);
    expect(await harness.browser.prices.retrieve(old)).toMatchObject({ active: false });
    const current = await harness.browser.prices.retrieve(replaced, { expand: ['product'] });
    expect(current).toMatchObject({
      active: true,
      unit_amount: 1299,
      lookup_key: 'price-pro-monthly',
      product: { name: 'Pro+' },
    });
    expect(
      await harness.provider.ensurePrice({ ...PRO, name: 'Pro+' }, { ...PRO_MONTHLY, amount: 1299 }, newKey()),
    ).toBe(replaced);
  });
});

describe('mirroring a tax rate', () => {
  it('creates an exclusive rate for the country, in percent', async () => {
    const id = await harness.provider.ensureTaxRate('fr', 2000, newKey());
    expect(await harness.browser.taxRates.retrieve(id)).toMatchObject({
      percentage: 20,
      inclusive: false,
      country: 'FR',
      jurisdiction: 'FR',
      metadata: { tax_rate_key: 'FR:2000' },
    });
  });

  it('keeps basis points exact: 5.5 % stays 5.5 %', async () => {
    const id = await harness.provider.ensureTaxRate('FR', 550, newKey());
    expect((await harness.browser.taxRates.retrieve(id)).percentage).toBe(5.5);
  });

  it('reuses the rate of the same country and rate, and not of another', async () => {
    const france = await harness.provider.ensureTaxRate('FR', 2000, newKey());
    expect(await harness.provider.ensureTaxRate('FR', 2000, newKey())).toBe(france);
    expect(await harness.provider.ensureTaxRate('FR', 1000, newKey())).not.toBe(france);
    expect(await harness.provider.ensureTaxRate('AT', 2000, newKey())).not.toBe(france);
    expect((await harness.browser.taxRates.list()).data).toHaveLength(3);
  });
});
