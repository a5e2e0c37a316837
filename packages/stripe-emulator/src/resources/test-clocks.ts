import type Stripe from 'stripe';
import type { Emulator } from '../emulator.ts';
import { listPage } from '../http/list-page.ts';
import { invalidRequest } from '../stripe-error.ts';
import { advanceClock } from '../billing/billing-clock.ts';
import { periodBoundary } from '../billing/billing-periods.ts';
import { cancelSubscription } from '../billing/subscription-status.ts';

const THIRTY_DAYS = 30 * 86_400;

/**
 * `/v1/test_helpers/test_clocks`. Advancing runs synchronously: the response already has status `ready`
 * (Stripe answers `advancing` and finishes in the background; a client that polls sees `ready` at once).
 */
export function registerTestClockRoutes(emulator: Emulator): void {
  const { router, store } = emulator;
  router.on('POST', '/v1/test_helpers/test_clocks', ({ params }) => {
    const frozenTime = params.integer('frozen_time');
    if (frozenTime === undefined)
      throw invalidRequest('Missing required param: frozen_time.', 'parameter_missing', 'frozen_time');
    const clock: Stripe.TestHelpers.TestClock = {
      id: emulator.ids.next('clock', 24),
      object: 'test_helpers.test_clock',
      created: emulator.now(),
      deletes_after: emulator.now() + THIRTY_DAYS,
      frozen_time: frozenTime,
      livemode: false,
      name: params.nullableString('name') ?? null,
      status: 'ready',
      status_details: {},
    };
    store.testClocks.add(clock);
    emulator.events.emit('test_helpers.test_clock.created', clock, clock.created);
    return clock;
  });
  router.on('GET', '/v1/test_helpers/test_clocks/:id', ({ path }) => store.testClocks.require(path.id ?? ''));
  router.on('GET', '/v1/test_helpers/test_clocks', ({ params }) =>
    listPage(store.testClocks.newestFirst(), params, '/v1/test_helpers/test_clocks'),
  );
  router.on('POST', '/v1/test_helpers/test_clocks/:id/advance', ({ params, path }) => {
    const clock = store.testClocks.require(path.id ?? '');
    const target = params.integer('frozen_time');
    if (target === undefined)
      throw invalidRequest('Missing required param: frozen_time.', 'parameter_missing', 'frozen_time');
    if (target < clock.frozen_time)
      throw invalidRequest(
        'The test clock cannot be moved backwards in time.',
        'test_clock_invalid_time',
        'frozen_time',
      );
    const limit = advanceLimit(emulator, clock);
    if (limit !== null && target > limit) {
      throw invalidRequest(
        `A test clock can advance at most two intervals of its shortest subscription at once: up to ${limit}, not ${target}.`,
        'test_clock_advance_too_far',
        'frozen_time',
      );
    }
    advanceClock(emulator, clock, target);
    return clock;
  });
  router.on('DELETE', '/v1/test_helpers/test_clocks/:id', ({ path }) => {
    const clock = store.testClocks.require(path.id ?? '');
    deleteClockObjects(emulator, clock.id);
    store.testClocks.delete(clock.id);
    emulator.events.emit('test_helpers.test_clock.deleted', clock, emulator.now());
    const deleted: Stripe.TestHelpers.DeletedTestClock = {
      id: clock.id,
      object: 'test_helpers.test_clock',
      deleted: true,
    };
    return deleted;
  });
}

const ENDED: Stripe.Subscription.Status[] = ['canceled', 'incomplete_expired'];

/** Stripe's limit: two intervals of the shortest subscription on the clock; none without subscriptions. */
function advanceLimit(emulator: Emulator, clock: Stripe.TestHelpers.TestClock): number | null {
  const limits = emulator.store.subscriptions
    .all()
    .filter((subscription) => subscription.test_clock === clock.id && !ENDED.includes(subscription.status))
    .flatMap((subscription) => subscription.items.data.map((item) => item.price.recurring))
    .filter((recurring): recurring is Stripe.Price.Recurring => recurring !== null)
    .map((recurring) => periodBoundary(clock.frozen_time, recurring, 2));
  return limits.length === 0 ? null : Math.min(...limits);
}

/** Deleting a clock deletes its customers and everything they own, as Stripe does. */
function deleteClockObjects(emulator: Emulator, clockId: string): void {
  const { store } = emulator;
  const now = emulator.now(clockId);
  for (const subscription of store.subscriptions.all().filter((candidate) => candidate.test_clock === clockId)) {
    if (!ENDED.includes(subscription.status)) cancelSubscription(emulator, subscription, now, 'cancellation_requested');
    store.subscriptions.delete(subscription.id);
  }
  for (const invoice of store.invoices.all().filter((candidate) => candidate.test_clock === clockId))
    store.invoices.delete(invoice.id);
  for (const item of store.invoiceItems.all().filter((candidate) => candidate.test_clock === clockId))
    store.invoiceItems.delete(item.id);
  for (const customer of store.customers.all().filter((candidate) => candidate.test_clock === clockId)) {
    for (const method of store.paymentMethods.all().filter((candidate) => candidate.customer === customer.id))
      store.paymentMethods.delete(method.id);
    store.customers.delete(customer.id);
    store.deletedCustomers.add(customer.id);
    emulator.events.emit('customer.deleted', customer, now);
  }
}
