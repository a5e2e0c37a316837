import { deepCopy } from '../deep-copy.ts';
import type Stripe from 'stripe';
import type { Emulator } from '../emulator.ts';
import type { RequestParams } from '../http/params.ts';
import { listPage, matchesCreated } from '../http/list-page.ts';
import { invalidRequest, parameterInvalid, parameterMissing } from '../stripe-error.ts';
import { attachPaymentMethod, resolvePaymentMethod } from '../billing/payment-method-wallet.ts';
import { createSubscription, startNextPeriod } from '../billing/subscription-lifecycle.ts';
import {
  applyItemChanges,
  billItemChanges,
  type AppliedItemChanges,
  type ItemChange,
  type ProrationBehavior,
} from '../billing/subscription-changes.ts';
import { cancelSubscription, updateSubscription } from '../billing/subscription-status.ts';
import { notEmulated } from '../contract/parameter-check.ts';
import {
  checkPendingUpdateParams,
  refuseBankDebitPendingUpdate,
  updateWithPendingUpdate,
} from '../billing/pending-updates.ts';

const PRORATION_BEHAVIORS = ['create_prorations', 'always_invoice', 'none'] as const;
const PAYMENT_BEHAVIORS = [
  'allow_incomplete',
  'default_incomplete',
  'error_if_incomplete',
  'pending_if_incomplete',
] as const;
const ENDED: Stripe.Subscription.Status[] = ['canceled', 'incomplete_expired'];

/** `/v1/subscriptions`: create, retrieve, update (items, proration, cancellation), cancel, resume, list. */
export function registerSubscriptionRoutes(emulator: Emulator): void {
  const { router, store } = emulator;
  router.on('POST', '/v1/subscriptions', ({ params }) => create(emulator, params));
  router.on('GET', '/v1/subscriptions/:id', ({ path }) => store.subscriptions.require(path.id ?? ''));
  router.on('POST', '/v1/subscriptions/:id', ({ params, path }) =>
    update(emulator, store.subscriptions.require(path.id ?? ''), params),
  );
  router.on('DELETE', '/v1/subscriptions/:id', ({ path }) => {
    const subscription = store.subscriptions.require(path.id ?? '');
    if (ENDED.includes(subscription.status))
      throw invalidRequest(`A canceled subscription can only update its cancellation_details and metadata.`);
    return cancelSubscription(emulator, subscription, emulator.now(subscription.test_clock), 'cancellation_requested');
  });
  router.on('POST', '/v1/subscriptions/:id/resume', ({ path }) => {
    // Stripe resumes paused subscriptions; the emulator never pauses, so resuming undoes a scheduled cancellation.
    const subscription = store.subscriptions.require(path.id ?? '');
    if (ENDED.includes(subscription.status))
      throw invalidRequest('Only a subscription that has not ended can be resumed.', 'subscription_not_resumable');
    updateSubscription(emulator, subscription, emulator.now(subscription.test_clock), (target) => {
      target.cancel_at_period_end = false;
      target.cancel_at = null;
      target.canceled_at = null;
      target.cancellation_details = { comment: null, feedback: null, feedback_option: null, reason: null };
    });
    return subscription;
  });
  router.on('GET', '/v1/subscriptions', ({ params }) => {
    const customer = params.string('customer');
    const price = params.string('price');
    const status = params.string('status');
    const subscriptions = store.subscriptions.newestFirst().filter(
      (subscription) =>
        (!customer || subscription.customer === customer) &&
        (!price || subscription.items.data.some((item) => item.price.id === price)) &&
        // Without a status filter Stripe lists only subscriptions that have not been canceled.
        (status === 'all' || (status ? subscription.status === status : subscription.status !== 'canceled')) &&
        matchesCreated(subscription.created, params),
    );
    return listPage(subscriptions, params, '/v1/subscriptions');
  });
  router.on('GET', '/v1/subscription_items', ({ params }) => {
    const subscription = store.subscriptions.require(params.requiredString('subscription'), 'subscription');
    return listPage([...subscription.items.data], params, `/v1/subscription_items?subscription=${subscription.id}`);
  });
}

function create(emulator: Emulator, params: RequestParams): Stripe.Subscription {
  const customer = emulator.store.customers.require(params.requiredString('customer'), 'customer');
  const items = params.objects('items');
  if (!items || items.length === 0) throw parameterMissing('items');
  const now = emulator.now(customer.test_clock);
  const prices = items.map((item) => priceOf(emulator, item));
  const trialDays =
    params.integer('trial_period_days') ??
    (params.boolean('trial_from_plan') ? (prices[0]?.recurring?.trial_period_days ?? undefined) : undefined);
  const trialEndParam = params.string('trial_end');
  const trialEnd =
    trialEndParam && trialEndParam !== 'now' ? Number(trialEndParam) : trialDays ? now + trialDays * 86_400 : null;
  if (trialEnd !== null && (!Number.isInteger(trialEnd) || trialEnd <= now))
    throw parameterInvalid('trial_end', 'Invalid timestamp: must be an integer Unix timestamp in the future.');
  const endBehavior = params.object('trial_settings')?.object('end_behavior');
  return createSubscription(emulator, {
    customer,
    items: items.map((item, index) => ({
      price: prices[index] as Stripe.Price,
      quantity: item.integer('quantity') ?? 1,
      taxRates: item.has('tax_rates') ? taxRatesOf(emulator, item.strings('tax_rates') ?? []) : null,
    })),
    defaultPaymentMethod: defaultMethod(emulator, params, customer.id),
    defaultTaxRates: taxRatesOf(emulator, params.strings('default_tax_rates') ?? []),
    trialEnd,
    paymentBehavior:
      params.oneOf('payment_behavior', ['allow_incomplete', 'default_incomplete', 'error_if_incomplete'] as const) ??
      'allow_incomplete',
    missingPaymentMethodAtTrialEnd:
      endBehavior?.oneOf('missing_payment_method', ['cancel', 'create_invoice'] as const) ?? 'create_invoice',
    saveDefaultPaymentMethod:
      params.object('payment_settings')?.oneOf('save_default_payment_method', ['off', 'on_subscription'] as const) ??
      'off',
    cancelAtPeriodEnd: params.boolean('cancel_at_period_end') ?? false,
    metadata: params.metadata('metadata'),
    description: params.nullableString('description') ?? null,
  });
}

function update(emulator: Emulator, subscription: Stripe.Subscription, params: RequestParams): Stripe.Subscription {
  if (ENDED.includes(subscription.status))
    throw invalidRequest('A canceled subscription can only update its cancellation_details and metadata.');
  // Until its first invoice is paid, Stripe lets an incomplete subscription change only its metadata and the
  // method that pays that invoice (so a customer can retry with another card).
  const changing = Object.keys(params.raw).filter(
    (key) => !['metadata', 'default_payment_method', 'expand'].includes(key),
  );
  if (subscription.status === 'incomplete' && changing.length > 0) {
    throw invalidRequest(
      `An incomplete subscription can only have its metadata updated until its first invoice is paid; it cannot take ${changing.join(', ')}.`,
      'subscription_update_incomplete',
      changing[0],
    );
  }
  const now = emulator.now(subscription.test_clock);
  const behavior: ProrationBehavior = params.oneOf('proration_behavior', PRORATION_BEHAVIORS) ?? 'create_prorations';
  const prorationDate = params.integer('proration_date') ?? now;
  if (params.oneOf('payment_behavior', PAYMENT_BEHAVIORS) === 'pending_if_incomplete') {
    checkPendingUpdateParams(params);
    refuseBankDebitPendingUpdate(emulator, subscription);
    // A trial change held until payment is not emulated; Stripe accepts it.
    if (params.has('trial_end')) throw notEmulated('trial_end');
    const items = itemChanges(emulator, subscription, params.objects('items') ?? []);
    updateWithPendingUpdate(
      emulator,
      subscription,
      { items, behavior, prorationDate, metadata: params.has('metadata') ? params.metadata('metadata') : null },
      now,
    );
    return subscription;
  }
  const changes = itemChanges(emulator, subscription, params.objects('items') ?? []);
  const defaultTaxRates = params.has('default_tax_rates')
    ? taxRatesOf(emulator, params.strings('default_tax_rates') ?? [])
    : undefined;
  const method = params.has('default_payment_method')
    ? defaultMethod(emulator, params, String(subscription.customer))
    : undefined;
  let applied: AppliedItemChanges | undefined;
  updateSubscription(emulator, subscription, now, (target) => {
    if (params.has('cancel_at_period_end')) {
      target.cancel_at_period_end = params.boolean('cancel_at_period_end') ?? false;
      target.canceled_at = target.cancel_at_period_end ? now : null;
      target.cancellation_details = {
        comment: null,
        feedback: null,
        feedback_option: null,
        reason: target.cancel_at_period_end ? 'cancellation_requested' : null,
      };
    }
    if (params.has('cancel_at')) target.cancel_at = params.integer('cancel_at') ?? null;
    if (method !== undefined) target.default_payment_method = method;
    if (defaultTaxRates) target.default_tax_rates = defaultTaxRates;
    if (params.has('description')) target.description = params.nullableString('description') ?? null;
    target.metadata = params.metadata('metadata', target.metadata);
    if (changes.length > 0) applied = applyItemChanges(emulator, target, changes, behavior, prorationDate, now);
  });
  if (applied)
    billItemChanges(
      emulator,
      subscription,
      applied,
      behavior,
      now,
      params.string('payment_behavior') === 'error_if_incomplete',
    );
  if (params.string('trial_end') === 'now' && subscription.status === 'trialing')
    startNextPeriod(emulator, subscription, now);
  return subscription;
}

/** `items[n]`: `{id, price?, quantity?, deleted?}` changes an item; `{price, quantity?}` adds one. */
export function itemChanges(
  emulator: Emulator,
  subscription: Stripe.Subscription,
  items: RequestParams[],
): ItemChange[] {
  return items.map((entry) => {
    const id = entry.string('id');
    const item = id ? subscription.items.data.find((candidate) => candidate.id === id) : null;
    if (id && !item)
      throw invalidRequest(
        `Subscription item ${id} is not part of subscription ${subscription.id}.`,
        'resource_missing',
        entry.name('id'),
      );
    const price = entry.has('price') ? priceOf(emulator, entry) : null;
    if (!item && !price) throw parameterMissing(entry.name('price'));
    return {
      item: item ?? null,
      price,
      quantity: entry.integer('quantity') ?? null,
      deleted: entry.boolean('deleted') ?? false,
    };
  });
}

function priceOf(emulator: Emulator, item: RequestParams): Stripe.Price {
  const price = emulator.store.prices.require(item.requiredString('price'), item.name('price'));
  if (!price.recurring)
    throw invalidRequest(
      `The price specified is set to \`type=one_time\` but this field only accepts prices with \`type=recurring\`.`,
      undefined,
      item.name('price'),
    );
  if (!price.active)
    throw invalidRequest(
      `The price specified is inactive. This field only accepts active prices.`,
      undefined,
      item.name('price'),
    );
  return price;
}

function taxRatesOf(emulator: Emulator, ids: string[]): Stripe.TaxRate[] {
  return ids.map((id) => deepCopy(emulator.store.taxRates.require(id, 'tax_rates')));
}

function defaultMethod(emulator: Emulator, params: RequestParams, customerId: string): string | null {
  const id = params.nullableString('default_payment_method');
  if (!id) return null;
  const method = resolvePaymentMethod(emulator, id, 'default_payment_method');
  if (!method.customer) attachPaymentMethod(emulator, method, customerId);
  else if (method.customer !== customerId)
    throw invalidRequest(
      `The payment method must belong to the subscription's customer.`,
      'resource_missing',
      'default_payment_method',
    );
  return method.id;
}
