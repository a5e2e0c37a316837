import { readFileSync } from 'node:fs';
import path from 'node:path';
import type Stripe from 'stripe';
import type { StripeEmulatorOptions } from '../src/index.ts';
import {
  advance,
  customerOnClock,
  eventTypes,
  recurringPrice,
  startHarness,
  type Harness,
} from './emulator-harness.ts';

/** The tables of the README's "Event sequences" section: flow name -> event types in order. */
function documentedSequences(): Map<string, string[]> {
  const readme = readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
  const start = readme.indexOf('## Event sequences');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  const rows = section.split('\n').filter((line) => /^\| [a-z]/.test(line));
  return new Map(
    rows.map((row) => {
      const [flow, events] = row
        .split('|')
        .slice(1, 3)
        .map((cell) => cell.trim()) as [string, string];
      return [flow, events.split(',').map((event) => event.replace(/`/g, '').trim())];
    }),
  );
}

const APRIL_1 = Date.UTC(2026, 3, 1) / 1000;
const HOUR = 3600;
const DAY = 86_400;

/** Events of the flow itself: catalog, customer and clock set-up are left out. */
const OF_THE_FLOW = /^(customer\.subscription|invoice|invoice_payment|payment_intent|charge|refund|credit_note)\./;

interface Flow {
  options?: StripeEmulatorOptions;
  /** Runs the flow; answers how many of its events were set-up (left out of the comparison). */
  run(stripe: Stripe, harness: Harness): Promise<number>;
}

const flowEvents = async (stripe: Stripe) => (await eventTypes(stripe, (event) => OF_THE_FLOW.test(event.type))).length;

async function subscribe(
  stripe: Stripe,
  paymentMethod = 'pm_card_visa',
): Promise<{ clock: Stripe.TestHelpers.TestClock; customer: Stripe.Customer; subscription: Stripe.Subscription }> {
  const { clock, customer } = await customerOnClock(stripe, paymentMethod);
  const subscription = await stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: (await recurringPrice(stripe, 1000)).id }],
    expand: ['latest_invoice'],
  });
  return { clock, customer, subscription };
}

/** A subscription paid by a card that then starts failing, renewed on April 1: one retry a day later. */
async function failingRenewal(stripe: Stripe): Promise<number> {
  const { clock, customer } = await subscribe(stripe);
  const failing = await stripe.paymentMethods.attach('pm_card_chargeCustomerFail', { customer: customer.id });
  await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: failing.id } });
  const setUp = await flowEvents(stripe);
  await advance(stripe, clock, APRIL_1 + DAY + 2 * HOUR);
  return setUp;
}

const FLOWS: Record<string, Flow> = {
  'subscribe, the card pays': { run: async (stripe) => (await subscribe(stripe), 0) },
  'subscribe, the card needs 3-D Secure, the customer authenticates': {
    run: async (stripe, harness) => {
      const { customer } = await subscribe(stripe, 'pm_card_authenticationRequired');
      const [intent] = (await stripe.paymentIntents.list({ customer: customer.id })).data;
      await fetch(`${harness.emulator.url}/_emulator/authenticate/${intent!.id}`, { method: 'POST' });
      return 0;
    },
  },
  'subscribe, the card is declined': {
    run: async (stripe) => (await subscribe(stripe, 'pm_card_chargeCustomerFail'), 0),
  },
  'renewal, the card pays': {
    run: async (stripe) => {
      const { clock } = await subscribe(stripe);
      const setUp = await flowEvents(stripe);
      await advance(stripe, clock, APRIL_1 + 2 * HOUR);
      return setUp;
    },
  },
  'cancel at period end': {
    run: async (stripe) => {
      const { clock, subscription } = await subscribe(stripe);
      const setUp = await flowEvents(stripe);
      await stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });
      await advance(stripe, clock, APRIL_1 + 2 * HOUR);
      return setUp;
    },
  },
  'renewal fails, the retry fails, the subscription is canceled': {
    options: { dunning: { retryDays: [1], finalState: 'canceled' } },
    run: failingRenewal,
  },
  'renewal fails, the retry fails, the subscription is unpaid': {
    options: { dunning: { retryDays: [1], finalState: 'unpaid' } },
    run: failingRenewal,
  },
  'refund of a payment': {
    run: async (stripe) => {
      const customer = await stripe.customers.create({});
      const method = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
      const intent = await stripe.paymentIntents.create({
        amount: 1000,
        currency: 'eur',
        customer: customer.id,
        payment_method: method.id,
        confirm: true,
      });
      await stripe.refunds.create({ payment_intent: intent.id });
      return 0;
    },
  },
  'credit note refunding part of a paid invoice': {
    run: async (stripe) => {
      const { subscription } = await subscribe(stripe);
      const setUp = await flowEvents(stripe);
      await stripe.creditNotes.create({
        invoice: (subscription.latest_invoice as Stripe.Invoice).id,
        amount: 400,
        refund_amount: 400,
      });
      return setUp;
    },
  },
  'upgrade with pending_if_incomplete, the card is declined, the update expires': {
    run: async (stripe) => {
      const { clock, subscription, pro, before } = await subscribedThenDeclining(stripe);
      await stripe.subscriptions.update(subscription.id, {
        items: [{ id: subscription.items.data[0]!.id, price: pro.id }],
        proration_behavior: 'always_invoice',
        payment_behavior: 'pending_if_incomplete',
      });
      await advance(stripe, clock, clock.frozen_time + 24 * HOUR);
      return before;
    },
  },
  'upgrade with pending_if_incomplete, the card is declined, the invoice is paid later': {
    run: async (stripe) => {
      const { subscription, pro, before } = await subscribedThenDeclining(stripe);
      const held = await stripe.subscriptions.update(subscription.id, {
        items: [{ id: subscription.items.data[0]!.id, price: pro.id }],
        proration_behavior: 'always_invoice',
        payment_behavior: 'pending_if_incomplete',
      });
      const visa = await stripe.paymentMethods.attach('pm_card_visa', { customer: String(subscription.customer) });
      await stripe.invoices.pay(String(held.latest_invoice), { payment_method: visa.id });
      return before;
    },
  },
  'subscribe, the SEPA debit settles days later': {
    run: async (stripe) => {
      const { clock } = await subscribe(stripe, 'pm_success_de');
      await advance(stripe, clock, clock.frozen_time + 6 * DAY);
      return 0;
    },
  },
  'renewal, the SEPA debit fails late': {
    run: async (stripe) => {
      const { clock, customer } = await subscribe(stripe);
      const failing = await stripe.paymentMethods.attach('pm_failed_de', { customer: customer.id });
      await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: failing.id } });
      const setUp = await flowEvents(stripe);
      await advance(stripe, clock, APRIL_1 + 6 * DAY);
      return setUp;
    },
  },
};

/** A subscription paid by a working card, whose customer's default card then declines every charge. */
async function subscribedThenDeclining(stripe: Stripe) {
  const { customer, clock } = await customerOnClock(stripe);
  const subscription = await stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: (await recurringPrice(stripe, 1000)).id }],
  });
  const pro = await recurringPrice(stripe, 3000);
  const declining = await stripe.paymentMethods.attach('pm_card_chargeCustomerFail', { customer: customer.id });
  await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: declining.id } });
  return { clock, subscription, pro, before: await flowEvents(stripe) };
}

describe('event sequences, as tabled in the README', () => {
  const documented = documentedSequences();

  it('tables every flow tested here', () => {
    expect([...documented.keys()].sort()).toEqual(Object.keys(FLOWS).sort());
  });

  it.each(Object.keys(FLOWS))('%s', async (name) => {
    const flow = FLOWS[name]!;
    const harness = await startHarness(flow.options);
    try {
      const setUp = await flow.run(harness.stripe, harness);
      expect((await eventTypes(harness.stripe, (event) => OF_THE_FLOW.test(event.type))).slice(setUp)).toEqual(
        documented.get(name),
      );
    } finally {
      await harness.close();
    }
  });
});
