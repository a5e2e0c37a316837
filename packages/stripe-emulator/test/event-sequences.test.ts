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
  'upgrade with pending_if_incomplete, the card is declined, the update expires': async (stripe) => {
    const { clock, subscription, pro, before } = await subscribedThenDeclining(stripe);
    await stripe.subscriptions.update(subscription.id, { items: [{ id: subscription.items.data[0]!.id, price: pro.id }], proration_behavior: 'always_invoice', payment_behavior: 'pending_if_incomplete' });
    await advance(stripe, clock, clock.frozen_time + 24 * 3600);
    return before;
  },
  'upgrade with pending_if_incomplete, the card is declined, the invoice is paid later': async (stripe) => {
    const { subscription, pro, before } = await subscribedThenDeclining(stripe);
    const held = await stripe.subscriptions.update(subscription.id, { items: [{ id: subscription.items.data[0]!.id, price: pro.id }], proration_behavior: 'always_invoice', payment_behavior: 'pending_if_incomplete' });
    const visa = await stripe.paymentMethods.attach('pm_card_visa', { customer: String(subscription.customer) });
    await stripe.invoices.pay(String(held.latest_invoice), { payment_method: visa.id });
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

/** A subscription paid by a working card, whose customer's default card then declines every charge. */
async function subscribedThenDeclining(stripe: Stripe) {
  const { customer, clock } = await customerOnClock(stripe);
  const subscription = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: (await recurringPrice(stripe, 1000)).id }] });
  const pro = await recurringPrice(stripe, 3000);
  const declining = await stripe.paymentMethods.attach('pm_card_chargeCustomerFail', { customer: customer.id });
  await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: declining.id } });
  const before = (await eventTypes(stripe, (event) => OF_THE_FLOW.test(event.type))).length;
  return { clock, subscription, pro, before };
}

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
