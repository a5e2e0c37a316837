import type Stripe from 'stripe';
import type { StripeCall } from './stripe-call.ts';

/** Upper bound on a listing read whole: the catalog and tax rates are a handful of objects. */
const LISTING_LIMIT = 10_000;

export interface MirroredPlan {
  id: string;
  name: string;
}

export interface MirroredPrice {
  id: string;
  interval: 'MONTH' | 'YEAR';
  amount: number;
  currency: string;
}

/**
 * Mirrors a plan as a product (`metadata.plan_id`) and one of its prices as a recurring price whose
 * `lookup_key` is our price id, so it is found again without storing Stripe's id first. A price whose
 * amount, currency or interval changed gets a new Stripe price (Stripe prices are immutable) that takes the
 * lookup key over, and the old one is archived. Each write derives its idempotency key from the caller's.
 */
export async function ensurePrice(
  stripe: Stripe,
  call: StripeCall,
  plan: MirroredPlan,
  price: MirroredPrice,
  idempotencyKey: string,
): Promise<string> {
  const existing = await call('prices.list', () =>
    stripe.prices.list({ lookup_keys: [price.id], active: true, limit: 1 }),
  );
  const current = existing.data[0];
  if (current && matches(current, price)) return current.id;
  const productId = await ensureProduct(stripe, call, plan, idempotencyKey);
  const created = await call('prices.create', () =>
    stripe.prices.create(
      {
        product: productId,
        currency: price.currency.toLowerCase(),
        unit_amount: price.amount,
        recurring: { interval: price.interval === 'YEAR' ? 'year' : 'month' },
        lookup_key: price.id,
        transfer_lookup_key: true,
        metadata: { plan_id: plan.id, price_id: price.id },
      },
      { idempotencyKey: `${idempotencyKey}:price` },
    ),
  );
  if (current)
    await call('prices.update', () =>
      stripe.prices.update(current.id, { active: false }, { idempotencyKey: `${idempotencyKey}:archive-price` }),
    );
  return created.id;
}

function matches(stripePrice: Stripe.Price, price: MirroredPrice): boolean {
  return (
    stripePrice.unit_amount === price.amount &&
    stripePrice.currency === price.currency.toLowerCase() &&
    stripePrice.recurring?.interval === (price.interval === 'YEAR' ? 'year' : 'month') &&
    stripePrice.recurring.interval_count === 1
  );
}

async function ensureProduct(
  stripe: Stripe,
  call: StripeCall,
  plan: MirroredPlan,
  idempotencyKey: string,
): Promise<string> {
  // Products cannot be listed by metadata (only Stripe's search can, which lags); the catalog is small.
  const products = await call('products.list', () =>
    stripe.products.list({ active: true, limit: 100 }).autoPagingToArray({ limit: LISTING_LIMIT }),
  );
  const product = products.find((candidate) => candidate.metadata['plan_id'] === plan.id);
  if (!product) {
    const created = await call('products.create', () =>
      stripe.products.create(
        { name: plan.name, metadata: { plan_id: plan.id } },
        { idempotencyKey: `${idempotencyKey}:product` },
      ),
    );
    return created.id;
  }
  if (product.name !== plan.name) {
    await call('products.update', () =>
      stripe.products.update(product.id, { name: plan.name }, { idempotencyKey: `${idempotencyKey}:rename-product` }),
    );
  }
  return product.id;
}

/** Renames, archives or re-activates the plan's product; creates it (archived if need be) when missing. */
export async function syncProduct(
  stripe: Stripe,
  call: StripeCall,
  plan: MirroredPlan & { active: boolean },
  idempotencyKey: string,
): Promise<void> {
  const products = await call('products.list', () =>
    stripe.products.list({ limit: 100 }).autoPagingToArray({ limit: LISTING_LIMIT }),
  );
  const product = products.find((candidate) => candidate.metadata['plan_id'] === plan.id);
  if (!product) {
    await call('products.create', () =>
      stripe.products.create(
        { name: plan.name, active: plan.active, metadata: { plan_id: plan.id } },
        { idempotencyKey: `${idempotencyKey}:product` },
      ),
    );
    return;
  }
  if (product.name === plan.name && product.active === plan.active) return;
  await call('products.update', () =>
    stripe.products.update(
      product.id,
      { name: plan.name, active: plan.active },
      { idempotencyKey: `${idempotencyKey}:update-product` },
    ),
  );
}

/** Our key for a tax rate: Stripe's tax rates are immutable, so one exists per (country, rate). */
function taxRateKey(country: string, rateBasisPoints: number): string {
  return `${country.toUpperCase()}:${rateBasisPoints}`;
}

/** Creates or reuses an exclusive (added on top) tax rate of `rateBasisPoints / 100` percent for a country. */
export async function ensureTaxRate(
  stripe: Stripe,
  call: StripeCall,
  country: string,
  rateBasisPoints: number,
  idempotencyKey: string,
): Promise<string> {
  const key = taxRateKey(country, rateBasisPoints);
  const rates = await call('taxRates.list', () =>
    stripe.taxRates.list({ active: true, limit: 100 }).autoPagingToArray({ limit: LISTING_LIMIT }),
  );
  const existing = rates.find((rate) => rate.metadata?.['tax_rate_key'] === key && !rate.inclusive);
  if (existing) return existing.id;
  const code = country.toUpperCase();
  const created = await call('taxRates.create', () =>
    stripe.taxRates.create(
      {
        display_name: 'VAT',
        percentage: rateBasisPoints / 100,
        inclusive: false,
        country: code,
        jurisdiction: code,
        metadata: { tax_rate_key: key },
      },
      { idempotencyKey },
    ),
  );
  return created.id;
}
