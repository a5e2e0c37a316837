import type Stripe from 'stripe';
import type { StripeEmulatorOptions } from '../src/index.ts';
import {
  advance,
  customerOnClock,
  DAY,
  MARCH_1,
  recurringPrice,
  startHarness,
  type Harness,
} from './emulator-harness.ts';

const APRIL_1 = Date.UTC(2026, 3, 1) / 1000;
const MAY_1 = Date.UTC(2026, 4, 1) / 1000;

let harness: Harness | undefined;
afterEach(() => harness?.close());

async function monthlySubscription(
  options: StripeEmulatorOptions = {},
  paymentMethod = 'pm_card_visa',
): Promise<{ stripe: Stripe; clock: Stripe.TestHelpers.TestClock; subscription: Stripe.Subscription }> {
  harness = await startHarness(options);
  const { stripe } = harness;
  const { clock, customer } = await customerOnClock(stripe, paymentMethod);
  const subscription = await stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: (await recurringPrice(stripe, 1000)).id }],
  });
  return { stripe, clock, subscription };
}

async function upcoming(stripe: Stripe): Promise<Stripe.Event[]> {
  return (await stripe.events.list({ type: 'invoice.upcoming' })).data.reverse();
}

describe('invoice.upcoming', () => {
  it('is sent three days before each renewal by default, with the invoice the renewal will create', async () => {
    const { stripe, clock, subscription } = await monthlySubscription();
    await advance(stripe, clock, APRIL_1 - 3 * DAY - 1);
    expect(await upcoming(stripe)).toEqual([]);
    await advance(stripe, clock, APRIL_1 - 3 * DAY);
    const [first] = await upcoming(stripe);
    expect(first).toMatchObject({ created: APRIL_1 - 3 * DAY, request: { id: null } });
    const invoice = first!.data.object as Stripe.Invoice;
    expect(invoice).toMatchObject({
      object: 'invoice',
      billing_reason: 'upcoming',
      status: 'draft',
      amount_due: 1000,
      customer: subscription.customer,
      period_start: MARCH_1,
      period_end: APRIL_1,
    });
    expect(invoice.lines.data.map((line) => [line.amount, line.period])).toEqual([
      [1000, { start: APRIL_1, end: MAY_1 }],
    ]);
    expect(
      (await stripe.invoices.list({ subscription: subscription.id })).data.map((stored) => stored.id),
    ).not.toContain(invoice.id);
    await advance(stripe, clock, MAY_1 - 3 * DAY);
    expect((await upcoming(stripe)).map((event) => event.created)).toEqual([APRIL_1 - 3 * DAY, MAY_1 - 3 * DAY]);
  });

  it('follows the configured number of days, and 0 turns it off', async () => {
    const week = await monthlySubscription({ upcomingRenewalDays: 7 });
    await advance(week.stripe, week.clock, APRIL_1);
    expect((await upcoming(week.stripe)).map((event) => event.created)).toEqual([APRIL_1 - 7 * DAY]);
    await harness!.close();
    const off = await monthlySubscription({ upcomingRenewalDays: 0 });
    await advance(off.stripe, off.clock, APRIL_1);
    expect(await upcoming(off.stripe)).toEqual([]);
  });

  it('is not sent for a subscription that ends at the period end', async () => {
    const { stripe, clock, subscription } = await monthlySubscription();
    await stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });
    await advance(stripe, clock, APRIL_1);
    expect(await upcoming(stripe)).toEqual([]);
  });
});

describe('invoice.updated', () => {
  it('carries what each payment attempt changed in previous_attributes', async () => {
    const { stripe } = await monthlySubscription({}, 'pm_card_chargeCustomerFail');
    const [failed] = (await stripe.events.list({ type: 'invoice.updated' })).data;
    expect(failed!.data.previous_attributes).toEqual({ attempt_count: 0, attempted: false });
    expect(failed!.data.object).toMatchObject({ attempt_count: 1, attempted: true, status: 'open' });
  });

  it('carries the old status and amounts when an invoice is paid, and the old metadata on an update', async () => {
    const { stripe, subscription } = await monthlySubscription();
    const [paid] = (await stripe.events.list({ type: 'invoice.updated' })).data;
    expect(paid!.data.previous_attributes).toMatchObject({
      status: 'open',
      amount_paid: 0,
      amount_remaining: 1000,
      attempt_count: 0,
      status_transitions: { paid_at: null },
    });
    await stripe.invoices.update(subscription.latest_invoice as string, { metadata: { order: 'o-1' } });
    const [updated] = (await stripe.events.list({ type: 'invoice.updated' })).data;
    expect(updated!.data.previous_attributes).toEqual({ metadata: {} });
  });
});
