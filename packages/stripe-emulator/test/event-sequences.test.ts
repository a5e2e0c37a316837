import { readFileSync } from 'node:fs';
import path from 'node:path';
import type Stripe from 'stripe';
import { advance, customerOnClock, eventTypes, recurringPrice, startHarness, type Harness } from './emulator-harness.ts';

/** The "Event sequences" table of the README: flow name -> event types in order. */
function documentedSequences(): Map<string, string[]> {
  const readme = readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Event sequences'));
  const rows = section.split('\n').filter((line) => /^\| [a-z]/.test(line));
  return new Map(rows.map((row) => {
    const [flow, events] = row.split('|').slice(1, 3).map((cell) => cell.trim()) as [string, string];
    return [flow, events.split(',').map((event) => event.replace(/`/g, '').trim())];
  }));
}

const APRIL_1 = Date.UTC(2026, 3, 1) / 1000;

let harness: Harness;
beforeEach(async () => {
  harness = await startHarness();
});
afterEach(() => harness.close());

/** Events of the flow itself: catalog, customer and clock set-up are left out. */
const OF_THE_FLOW = /^(customer\.subscription|invoice|invoice_payment|payment_intent|charge|refund)\./;

/** Each flow runs and answers how many of its events were set-up (left out of the comparison). */
const FLOWS: Record<string, (stripe: Stripe) => Promise<number>> = {
  'subscribe, the card pays': async (stripe) => {
    const { customer } = await customerOnClock(stripe);
    await stripe.subscriptions.create({ customer: customer.id, items: [{ price: (await recurringPrice(stripe, 1000)).id }] });
    return 0;
  },
  'subscribe, the card is declined': async (stripe) => {
    const { customer } = await customerOnClock(stripe, 'pm_card_chargeCustomerFail');
    await stripe.subscriptions.create({ customer: customer.id, items: [{ price: (await recurringPrice(stripe, 1000)).id }] });
    return 0;
  },
  'renewal, the card pays': async (stripe) => {
    const { customer, clock } = await customerOnClock(stripe);
    await stripe.subscriptions.create({ customer: customer.id, items: [{ price: (await recurringPrice(stripe, 1000)).id }] });
    const before = (await eventTypes(stripe, (event) => OF_THE_FLOW.test(event.type))).length;
    await advance(stripe, clock, APRIL_1 + 2 * 3600);
    return before;
  },
  'subscribe, the SEPA debit settles days later': async (stripe) => {
    const { customer, clock } = await customerOnClock(stripe, 'pm_success_de');
    await stripe.subscriptions.create({ customer: customer.id, items: [{ price: (await recurringPrice(stripe, 1000)).id }] });
    await advance(stripe, clock, clock.frozen_time + 6 * 86_400);
    return 0;
  },
  'renewal, the SEPA debit fails late': async (stripe) => {
    const { customer, clock } = await customerOnClock(stripe);
    await stripe.subscriptions.create({ customer: customer.id, items: [{ price: (await recurringPrice(stripe, 1000)).id }] });
    const failing = await stripe.paymentMethods.attach('pm_failed_de', { customer: customer.id });
    await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: failing.id } });
    const before = (await eventTypes(stripe, (event) => OF_THE_FLOW.test(event.type))).length;
    await advance(stripe, clock, APRIL_1 + 6 * 86_400);
    return before;
  },
  'refund of a payment': async (stripe) => {
    const customer = await stripe.customers.create({});
    const method = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    const intent = await stripe.paymentIntents.create({ amount: 1000, currency: 'eur', customer: customer.id, payment_method: method.id, confirm: true });
    await stripe.refunds.create({ payment_intent: intent.id });
    return 0;
  },
};

describe('event sequences, as tabled in the README', () => {
  const documented = documentedSequences();

  it('tables every flow tested here', () => {
    expect([...documented.keys()].sort()).toEqual(Object.keys(FLOWS).sort());
  });

  it.each(Object.keys(FLOWS))('%s', async (flow) => {
    const setUp = await FLOWS[flow]!(harness.stripe);
    expect((await eventTypes(harness.stripe, (event) => OF_THE_FLOW.test(event.type))).slice(setUp)).toEqual(documented.get(flow));
  });
});
