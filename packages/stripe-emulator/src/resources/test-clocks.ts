import type Stripe from 'stripe';
import type { Emulator } from '../emulator.ts';
import { listPage } from '../http/list-page.ts';
import { invalidRequest } from '../stripe-error.ts';
import { advanceClock } from '../billing/billing-clock.ts';

const THIRTY_DAYS = 30 * 86_400;

/**
 * `/v1/test_helpers/test_clocks`. Advancing runs synchronously: the response already has status `ready`
 * (Stripe answers `advancing` and finishes in the background; a client that polls sees `ready` at once).
 */
export function registerTestClockRoutes(emulator: Emulator): void {
  const { router, store } = emulator;
  router.on('POST', '/v1/test_helpers/test_clocks', ({ params }) => {
    const frozenTime = params.integer('frozen_time');
    if (frozenTime === undefined) throw invalidRequest('Missing required param: frozen_time.', 'parameter_missing', 'frozen_time');
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
  router.on('GET', '/v1/test_helpers/test_clocks', ({ params }) => listPage(store.testClocks.newestFirst(), params, '/v1/test_helpers/test_clocks'));
  router.on('POST', '/v1/test_helpers/test_clocks/:id/advance', ({ params, path }) => {
    const clock = store.testClocks.require(path.id ?? '');
    const target = params.integer('frozen_time');
    if (target === undefined) throw invalidRequest('Missing required param: frozen_time.', 'parameter_missing', 'frozen_time');
    if (target < clock.frozen_time) throw invalidRequest('The test clock cannot be moved backwards in time.', 'test_clock_invalid_time', 'frozen_time');
    advanceClock(emulator, clock, target);
    return clock;
  });
  router.on('DELETE', '/v1/test_helpers/test_clocks/:id', ({ path }) => {
    const clock = store.testClocks.require(path.id ?? '');
    store.testClocks.delete(clock.id);
    emulator.events.emit('test_helpers.test_clock.deleted', clock, emulator.now());
    const deleted: Stripe.TestHelpers.DeletedTestClock = { id: clock.id, object: 'test_helpers.test_clock', deleted: true };
    return deleted;
  });
}
