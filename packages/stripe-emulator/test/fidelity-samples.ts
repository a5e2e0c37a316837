import type Stripe from 'stripe';
import { advance, customerOnClock, DAY, MARCH_1, recurringPrice, type Harness } from './emulator-harness.ts';

/** Per resource (the fixtures' names), each state the emulator can put it in, obtained through the SDK. */
export type Samples = Record<string, Record<string, unknown>>;

const APRIL_1 = Date.UTC(2026, 3, 1) / 1000;

async function subscribed(stripe: Stripe, paymentMethod: string, extra: Partial<Stripe.SubscriptionCreateParams> = {}) {
  const { clock, customer } = await customerOnClock(stripe, paymentMethod);
  const price = await recurringPrice(stripe, 1000);
  const subscription = await stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: price.id }],
    expand: ['latest_invoice.payments'],
    ...extra,
  });
  return { clock, customer, price, subscription, invoice: subscription.latest_invoice as Stripe.Invoice };
}

/** A SEPA Direct Debit method set up as Stripe.js does, with a mandate: its id, not yet any customer's. */
async function sepaMandated(stripe: Stripe): Promise<string> {
  const intent = await stripe.setupIntents.create({ allowed_payment_method_types: ['sepa_debit'] });
  const confirmed = await stripe.setupIntents.confirm(intent.id, {
    payment_method_data: {
      type: 'sepa_debit',
      sepa_debit: { iban: 'DE89370400440532013000' },
      billing_details: { name: 'Ada Lovelace', email: 'ada@example.com' },
    },
    mandate_data: {
      customer_acceptance: { type: 'online', online: { ip_address: '203.0.113.7', user_agent: 'Mozilla/5.0 (test)' } },
    },
  });
  return String(confirmed.payment_method);
}

async function intentOf(stripe: Stripe, customer: Stripe.Customer): Promise<Stripe.PaymentIntent> {
  return (await stripe.paymentIntents.list({ customer: customer.id })).data[0]!;
}

export async function sampleObjects(harness: Harness): Promise<Samples> {
  const { stripe } = harness;
  const rate = await stripe.taxRates.create({
    display_name: 'VAT',
    description: 'VAT France',
    percentage: 20,
    inclusive: false,
    country: 'FR',
    jurisdiction: 'FR',
    tax_type: 'vat',
  });
  const paid = await subscribed(stripe, 'pm_card_visa', { default_tax_rates: [rate.id] });
  const upgrade = await recurringPrice(stripe, 2000, 'month', 'Max');
  await advance(stripe, paid.clock, MARCH_1 + 10 * DAY);
  await stripe.subscriptions.update(paid.subscription.id, {
    items: [{ id: paid.subscription.items.data[0]!.id, price: upgrade.id }],
  });
  const invoiceItem = (await stripe.events.list({ type: 'invoiceitem.created' })).data[0]?.data.object;
  // The renewal drafts an invoice with the proration lines and finalizes it an hour later.
  await advance(stripe, paid.clock, APRIL_1);
  const draft = await stripe.invoices.retrieve(
    (await stripe.subscriptions.retrieve(paid.subscription.id)).latest_invoice as string,
  );
  const secure = await subscribed(stripe, 'pm_card_authenticationRequired');
  const declined = await subscribed(stripe, 'pm_card_chargeCustomerFail');
  const voided = await subscribed(stripe, 'pm_card_chargeCustomerFail');
  const trialing = await subscribed(stripe, 'pm_card_visa', { trial_period_days: 14 });
  const pastDue = await subscribed(stripe, 'pm_card_visa');
  const failing = await stripe.paymentMethods.attach('pm_card_chargeCustomerFail', { customer: pastDue.customer.id });
  await stripe.customers.update(pastDue.customer.id, { invoice_settings: { default_payment_method: failing.id } });
  await advance(stripe, pastDue.clock, APRIL_1 + 2 * 3600);
  const canceled = await subscribed(stripe, 'pm_card_visa');
  // A first invoice debited by SEPA, set up with the customer's online acceptance (the mandate): the bank has
  // the debit for days (processing intent, pending charge).
  const debited = await subscribed(stripe, await sepaMandated(stripe));
  const debit = await intentOf(stripe, debited.customer);
  const pendingCharge = await stripe.charges.retrieve(debit.latest_charge as string);
  const voidedInvoice = await stripe.invoices.voidInvoice(voided.invoice.id);
  const scheduled = await subscribed(stripe, 'pm_card_visa');
  await stripe.subscriptions.update(scheduled.subscription.id, { cancel_at: APRIL_1 + 15 * DAY });
  const product = await stripe.products.create({ name: 'Pro', description: 'Two terabytes' });
  const productPrice = await stripe.prices.create({
    product: product.id,
    currency: 'eur',
    unit_amount: 1000,
    recurring: { interval: 'month' },
  });
  const addressed = await stripe.customers.create({
    name: 'Ada',
    email: 'ada@example.com',
    phone: '+33100000000',
    address: { line1: '1 rue de Rivoli', city: 'Paris', postal_code: '75001', country: 'FR', state: 'IDF' },
  });
  const billed = await stripe.paymentMethods.update(
    String((await stripe.paymentMethods.attach('pm_card_visa', { customer: addressed.id })).id),
    {
      billing_details: {
        name: 'Ada',
        email: 'ada@example.com',
        phone: '+33100000000',
        address: { line1: '1 rue de Rivoli', city: 'Paris', postal_code: '75001', country: 'FR', state: 'IDF' },
      },
    },
  );
  const addressedSubscription = await stripe.subscriptions.create({
    customer: addressed.id,
    items: [{ price: productPrice.id }],
    default_payment_method: billed.id,
    expand: ['latest_invoice'],
  });
  const addressedInvoice = addressedSubscription.latest_invoice as Stripe.Invoice;
  const refusedSetup = await stripe.setupIntents
    .create({ customer: addressed.id, payment_method: 'pm_card_chargeDeclined', confirm: true })
    .catch(() => undefined);
  const setupIntent = await stripe.setupIntents.create({
    customer: paid.customer.id,
    payment_method: 'pm_card_mastercard',
    confirm: true,
  });
  const secureSetup = await stripe.setupIntents.create({
    customer: paid.customer.id,
    payment_method: 'pm_card_authenticationRequired',
    confirm: true,
  });
  const note = await stripe.creditNotes.create({
    invoice: paid.invoice.id,
    lines: [{ type: 'invoice_line_item', invoice_line_item: paid.invoice.lines.data[0]!.id, amount: 300 }],
    refund_amount: 360,
    reason: 'order_change',
  });
  const credit = await stripe.creditNotes.create({
    invoice: paid.invoice.id,
    amount: 100,
    credit_amount: 100,
    memo: 'Goodwill',
  });
  const endpoint = await stripe.webhookEndpoints.create({
    url: 'http://127.0.0.1:9/hook',
    enabled_events: ['*'],
    description: 'The service',
  });
  const otherClock = await stripe.testHelpers.testClocks.create({ frozen_time: MARCH_1 });
  const otherCustomer = await stripe.customers.create({});
  const events = (await stripe.events.list({ limit: 100 })).data;
  const eventOf = (type: string) => events.find((event) => event.type === type);
  return {
    customer: {
      'with a default card': await stripe.customers.retrieve(paid.customer.id),
      'with an address': addressed,
    },
    deleted_customer: { deleted: await stripe.customers.del(otherCustomer.id) },
    payment_method: {
      card: await stripe.paymentMethods.retrieve(String(setupIntent.payment_method)),
      'card with billing details': billed,
      'SEPA Direct Debit': await stripe.paymentMethods.retrieve(String(debit.payment_method)),
    },
    mandate: {
      'SEPA Direct Debit, active': await stripe.mandates.retrieve(
        String(pendingCharge.payment_method_details?.sepa_debit?.mandate),
      ),
    },
    setup_intent: {
      succeeded: setupIntent,
      'requires 3-D Secure': secureSetup,
      declined: refusedSetup ?? (await stripe.setupIntents.list({ customer: addressed.id })).data[0],
    },
    payment_intent: {
      succeeded: await intentOf(stripe, paid.customer),
      'requires 3-D Secure': await intentOf(stripe, secure.customer),
      declined: await intentOf(stripe, declined.customer),
      'canceled with its voided invoice': await intentOf(stripe, voided.customer),
      'processing (SEPA Direct Debit)': debit,
    },
    product: { 'with a default price': await stripe.products.update(product.id, { default_price: productPrice.id }) },
    price: { recurring: productPrice },
    tax_rate: { exclusive: rate },
    subscription: {
      active: await stripe.subscriptions.retrieve(paid.subscription.id),
      'incomplete (3-D Secure)': await stripe.subscriptions.retrieve(secure.subscription.id),
      'incomplete (SEPA debit processing)': await stripe.subscriptions.retrieve(debited.subscription.id),
      trialing: trialing.subscription,
      past_due: await stripe.subscriptions.retrieve(pastDue.subscription.id),
      canceled: await stripe.subscriptions.cancel(canceled.subscription.id),
      'cancel scheduled': await stripe.subscriptions.retrieve(scheduled.subscription.id),
    },
    subscription_item: {
      active: (await stripe.subscriptionItems.list({ subscription: paid.subscription.id })).data[0],
    },
    invoice: {
      paid: await stripe.invoices.retrieve(paid.invoice.id),
      open: await stripe.invoices.retrieve(declined.invoice.id),
      void: voidedInvoice,
      'draft renewal with prorations': draft,
      'paid, of a customer with an address': addressedInvoice,
      'open, its SEPA debit processing': await stripe.invoices.retrieve(debited.invoice.id),
      'open renewal awaiting a retry': await stripe.invoices.retrieve(
        (await stripe.subscriptions.retrieve(pastDue.subscription.id)).latest_invoice as string,
      ),
    },
    line_item: Object.fromEntries(draft.lines.data.map((line, i) => [`renewal line ${i + 1}`, line])),
    invoice_payment: { paid: paid.invoice.payments?.data[0] },
    invoiceitem: { proration: invoiceItem },
    charge: {
      succeeded: await stripe.charges.retrieve((await intentOf(stripe, paid.customer)).latest_charge as string),
      'succeeded, by a method with billing details': await stripe.charges.retrieve(
        (await intentOf(stripe, addressed)).latest_charge as string,
      ),
      failed: await stripe.charges.retrieve((await intentOf(stripe, declined.customer)).latest_charge as string),
      'pending (SEPA Direct Debit)': pendingCharge,
    },
    refund: { 'of a credit note': await stripe.refunds.retrieve(note.refunds[0]!.refund as string) },
    credit_note: {
      'refunding a line': note,
      'crediting the balance, voided': await stripe.creditNotes.voidCreditNote(credit.id),
    },
    credit_note_line_item: { 'of an invoice line': note.lines.data[0] },
    event: {
      'customer.subscription.updated': eventOf('customer.subscription.updated'),
      'invoice.updated': eventOf('invoice.updated'),
      'invoice.upcoming': eventOf('invoice.upcoming'),
    },
    webhook_endpoint: { enabled: await stripe.webhookEndpoints.retrieve(endpoint.id) },
    deleted_webhook_endpoint: { deleted: await stripe.webhookEndpoints.del(endpoint.id) },
    'test_helpers.test_clock': { ready: await stripe.testHelpers.testClocks.retrieve(paid.clock.id) },
    'deleted_test_helpers.test_clock': { deleted: await stripe.testHelpers.testClocks.del(otherClock.id) },
  };
}
