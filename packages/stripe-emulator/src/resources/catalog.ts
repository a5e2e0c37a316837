import { deepCopy } from '../deep-copy.ts';
import Stripe from 'stripe';
import type { Emulator } from '../emulator.ts';
import type { RequestParams } from '../http/params.ts';
import { listPage } from '../http/list-page.ts';
import { changedFields } from '../webhooks/event-log.ts';
import { invalidRequest, parameterMissing } from '../stripe-error.ts';

/** Products, prices and tax rates: create, retrieve, update (archive with `active=false`), list. */
export function registerCatalogRoutes(emulator: Emulator): void {
  const { router, store } = emulator;
  router.on('POST', '/v1/products', ({ params }) => createProduct(emulator, params));
  router.on('GET', '/v1/products/:id', ({ path }) => store.products.require(path.id ?? ''));
  router.on('POST', '/v1/products/:id', ({ params, path }) => {
    const product = store.products.require(path.id ?? '');
    const before = deepCopy(product);
    for (const key of ['description', 'statement_descriptor', 'unit_label', 'url'] as const) {
      if (params.has(key)) product[key] = params.nullableString(key) ?? null;
    }
    if (params.has('name')) product.name = params.requiredString('name');
    if (params.has('active')) product.active = params.boolean('active') ?? true;
    if (params.has('default_price')) product.default_price = params.nullableString('default_price') ?? null;
    product.metadata = params.metadata('metadata', product.metadata);
    product.updated = emulator.now();
    emulator.events.emit('product.updated', product, product.updated, changedFields(before, product));
    return product;
  });
  router.on('GET', '/v1/products', ({ params }) => {
    const active = params.boolean('active');
    return listPage(
      store.products.newestFirst().filter((product) => active === undefined || product.active === active),
      params,
      '/v1/products',
    );
  });

  router.on('POST', '/v1/prices', ({ params }) => createPrice(emulator, params));
  router.on('GET', '/v1/prices/:id', ({ path }) => store.prices.require(path.id ?? ''));
  router.on('POST', '/v1/prices/:id', ({ params, path }) => {
    const price = store.prices.require(path.id ?? '');
    const before = deepCopy(price);
    if (params.has('active')) price.active = params.boolean('active') ?? true;
    if (params.has('nickname')) price.nickname = params.nullableString('nickname') ?? null;
    if (params.has('lookup_key')) {
      const lookupKey = params.nullableString('lookup_key') ?? null;
      if (lookupKey && lookupKey !== price.lookup_key)
        claimLookupKey(emulator, lookupKey, params.boolean('transfer_lookup_key') ?? false, emulator.now());
      price.lookup_key = lookupKey;
    }
    price.metadata = params.metadata('metadata', price.metadata);
    emulator.events.emit('price.updated', price, emulator.now(), changedFields(before, price));
    return price;
  });
  router.on('GET', '/v1/prices', ({ params }) => {
    const active = params.boolean('active');
    const product = params.string('product');
    const type = params.string('type');
    const lookupKeys = params.strings('lookup_keys');
    const prices = store.prices
      .newestFirst()
      .filter(
        (price) =>
          (active === undefined || price.active === active) &&
          (!product || price.product === product) &&
          (!type || price.type === type) &&
          (!lookupKeys || lookupKeys.includes(price.lookup_key ?? '')),
      );
    return listPage(prices, params, '/v1/prices');
  });

  router.on('POST', '/v1/tax_rates', ({ params }) => createTaxRate(emulator, params));
  router.on('GET', '/v1/tax_rates/:id', ({ path }) => store.taxRates.require(path.id ?? ''));
  router.on('POST', '/v1/tax_rates/:id', ({ params, path }) => {
    const rate = store.taxRates.require(path.id ?? '');
    const before = deepCopy(rate);
    if (params.has('active')) rate.active = params.boolean('active') ?? true;
    if (params.has('display_name')) rate.display_name = params.requiredString('display_name');
    if (params.has('description')) rate.description = params.nullableString('description') ?? null;
    rate.metadata = params.metadata('metadata', rate.metadata ?? {});
    emulator.events.emit('tax_rate.updated', rate, emulator.now(), changedFields(before, rate));
    return rate;
  });
  router.on('GET', '/v1/tax_rates', ({ params }) => {
    const active = params.boolean('active');
    return listPage(
      store.taxRates.newestFirst().filter((rate) => active === undefined || rate.active === active),
      params,
      '/v1/tax_rates',
    );
  });
}

function createProduct(emulator: Emulator, params: RequestParams): Stripe.Product {
  const now = emulator.now();
  const product: Stripe.Product = {
    id: params.string('id') ?? emulator.ids.next('prod'),
    object: 'product',
    active: params.boolean('active') ?? true,
    created: now,
    default_price: null,
    description: params.nullableString('description') ?? null,
    images: [],
    livemode: false,
    marketing_features: [],
    metadata: params.metadata('metadata'),
    name: params.requiredString('name'),
    package_dimensions: null,
    shippable: null,
    statement_descriptor: params.nullableString('statement_descriptor') ?? null,
    tax_code: null,
    tax_details: null,
    type: 'service',
    unit_label: params.nullableString('unit_label') ?? null,
    updated: now,
    url: null,
  };
  if (emulator.store.products.get(product.id))
    throw invalidRequest(`Product already exists.`, 'resource_already_exists', 'id');
  emulator.store.products.add(product);
  emulator.events.emit('product.created', product, now);
  return product;
}

function createPrice(emulator: Emulator, params: RequestParams): Stripe.Price {
  const now = emulator.now();
  const productId = params.string('product');
  if (!productId) throw parameterMissing('product');
  emulator.store.products.require(productId, 'product');
  const unitAmount = params.integer('unit_amount');
  if (unitAmount === undefined) throw parameterMissing('unit_amount');
  const recurringParams = params.object('recurring');
  const recurring: Stripe.Price.Recurring | null = recurringParams
    ? {
        interval: recurringParams.oneOf('interval', ['day', 'week', 'month', 'year'] as const) ?? 'month',
        interval_count: recurringParams.integer('interval_count') ?? 1,
        meter: null,
        trial_period_days: recurringParams.integer('trial_period_days') ?? null,
        usage_type: 'licensed',
      }
    : null;
  const price: Stripe.Price = {
    id: emulator.ids.next('price', 24),
    object: 'price',
    active: params.boolean('active') ?? true,
    billing_scheme: 'per_unit',
    created: now,
    currency: params.requiredString('currency').toLowerCase(),
    custom_unit_amount: null,
    livemode: false,
    lookup_key: params.nullableString('lookup_key') ?? null,
    metadata: params.metadata('metadata'),
    nickname: params.nullableString('nickname') ?? null,
    product: productId,
    recurring,
    tax_behavior: params.oneOf('tax_behavior', ['exclusive', 'inclusive', 'unspecified'] as const) ?? 'unspecified',
    tiers_mode: null,
    transform_quantity: null,
    type: recurring ? 'recurring' : 'one_time',
    unit_amount: unitAmount,
    unit_amount_decimal: Stripe.Decimal.from(unitAmount),
  };
  if (price.lookup_key) claimLookupKey(emulator, price.lookup_key, params.boolean('transfer_lookup_key') ?? false, now);
  emulator.store.prices.add(price);
  emulator.events.emit('price.created', price, now);
  return price;
}

function createTaxRate(emulator: Emulator, params: RequestParams): Stripe.TaxRate {
  const now = emulator.now();
  const percentage = params.number('percentage');
  if (percentage === undefined) throw parameterMissing('percentage');
  const inclusive = params.boolean('inclusive');
  if (inclusive === undefined) throw parameterMissing('inclusive');
  const rate: Stripe.TaxRate = {
    id: emulator.ids.next('txr', 24),
    object: 'tax_rate',
    active: params.boolean('active') ?? true,
    country: params.nullableString('country') ?? null,
    created: now,
    description: params.nullableString('description') ?? null,
    display_name: params.requiredString('display_name'),
    effective_percentage: percentage,
    flat_amount: null,
    inclusive,
    jurisdiction: params.nullableString('jurisdiction') ?? null,
    jurisdiction_level: null,
    livemode: false,
    metadata: params.metadata('metadata'),
    percentage,
    rate_type: 'percentage',
    state: params.nullableString('state') ?? null,
    tax_type: (params.string('tax_type') as Stripe.TaxRate.TaxType | undefined) ?? null,
  };
  emulator.store.taxRates.add(rate);
  emulator.events.emit('tax_rate.created', rate, now);
  return rate;
}

/** A lookup key names one price: taken from its holder with `transfer_lookup_key=true`, refused otherwise. */
function claimLookupKey(emulator: Emulator, lookupKey: string, transfer: boolean, now: number): void {
  const holder = emulator.store.prices.all().find((candidate) => candidate.lookup_key === lookupKey);
  if (!holder) return;
  if (!transfer)
    throw invalidRequest(
      `A price (\`${holder.id}\`) already uses that lookup key.`,
      'lookup_key_already_exists',
      'lookup_key',
    );
  const before = deepCopy(holder);
  holder.lookup_key = null;
  emulator.events.emit('price.updated', holder, now, changedFields(before, holder));
}
