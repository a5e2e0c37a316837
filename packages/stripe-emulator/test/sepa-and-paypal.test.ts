import Stripe from 'stripe';
import {
  DAY,
  MARCH_1,
  advance,
  customerOnClock,
  eventTypes,
  recurringPrice,
  startHarness,
  type Harness,
} from './emulator-harness.ts';

const ONLINE = {
  customer_acceptance: {
    type: 'online' as const,
    online: { ip_address: '203.0.113.7', user_agent: 'Mozilla/5.0 (test)' },
  },
};
const ADA = { name: 'Ada Lovelace', email: 'ada@example.com' };
const APRIL_1 = Date.UTC(2026, 3, 1) / 1000;

let harness: Harness;
let stripe: Stripe;
beforeEach(async () => {
  harness = await startHarness();
  stripe = harness.stripe;
});
afterEach(() => harness.close());

async function error(promise: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  return (await promise.then(
    () => null,
    (caught: unknown) => caught,
  )) as Stripe.errors.StripeError;
}

/** A SEPA Direct Debit method saved through a setup intent, as Stripe.js does with the IBAN Element. */
async function sepaSetup(customer: string, iban: string): Promise<Stripe.SetupIntent> {
  const intent = await stripe.setupIntents.create({ customer, allowed_payment_method_types: ['sepa_debit'] });
  return stripe.setupIntents.confirm(intent.id, {
    payment_method_data: { type: 'sepa_debit', sepa_debit: { iban }, billing_details: ADA },
    mandate_data: ONLINE,
  });
}

/** The customer's browser at the redirect page: approves or fails, without following the return. */
async function answerRedirect(url: string, result: 'succeed' | 'fail'): Promise<Response> {
  const page = await fetch(url);
  expect(page.headers.get('content-type')).toMatch(/^text\/html/);
  expect(await page.text()).toContain('Approve');
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ result }),
    redirect: 'manual',
  });
}

describe('SEPA Direct Debit set-up', () => {
  it("saves the method with a mandate that records the customer's online acceptance", async () => {
    const customer = await stripe.customers.create({});
    const intent = await sepaSetup(customer.id, 'DE89370400440532013000');
    expect(intent).toMatchObject({
      status: 'succeeded',
      mandate: expect.stringMatching(/^mandate_/),
      payment_method_types: ['sepa_debit'],
    });
    const method = await stripe.paymentMethods.retrieve(intent.payment_method as string);
    expect(method).toMatchObject({
      customer: customer.id,
      type: 'sepa_debit',
      sepa_debit: { bank_code: '37040044', country: 'DE', last4: '3000' },
    });
    const mandate = await stripe.mandates.retrieve(intent.mandate as string);
    expect(mandate).toMatchObject({
      object: 'mandate',
      status: 'active',
      type: 'multi_use',
      payment_method: method.id,
      customer_acceptance: {
        type: 'online',
        online: ONLINE.customer_acceptance.online,
        accepted_at: expect.any(Number),
      },
      payment_method_details: {
        type: 'sepa_debit',
        sepa_debit: {
          reference: expect.stringMatching(/^[A-Z0-9]{16}$/),
          url: expect.stringContaining('/_emulator/mandates/'),
        },
      },
    });
    expect(await (await fetch(mandate.payment_method_details.sepa_debit!.url)).text()).toContain(
      mandate.payment_method_details.sepa_debit!.reference,
    );
  });

  it('takes an offline acceptance too', async () => {
    const customer = await stripe.customers.create({});
    const intent = await stripe.setupIntents.create({
      customer: customer.id,
      allowed_payment_method_types: ['sepa_debit'],
    });
    const confirmed = await stripe.setupIntents.confirm(intent.id, {
      payment_method_data: { type: 'sepa_debit', sepa_debit: { iban: 'DE89370400440532013000' }, billing_details: ADA },
      mandate_data: { customer_acceptance: { type: 'offline' } },
    });
    expect((await stripe.mandates.retrieve(confirmed.mandate as string)).customer_acceptance).toMatchObject({
      type: 'offline',
      offline: {},
    });
  });

  it('refuses a confirmation without the mandate, with half an online acceptance, or with an invalid IBAN, and changes nothing', async () => {
    const customer = await stripe.customers.create({});
    const intent = await stripe.setupIntents.create({
      customer: customer.id,
      allowed_payment_method_types: ['sepa_debit'],
    });
    const data = { type: 'sepa_debit' as const, sepa_debit: { iban: 'DE89370400440532013000' }, billing_details: ADA };
    expect(await error(stripe.setupIntents.confirm(intent.id, { payment_method_data: data }))).toMatchObject({
      statusCode: 400,
      code: 'parameter_missing',
      param: 'mandate_data',
    });
    expect(
      await error(
        stripe.setupIntents.confirm(intent.id, {
          payment_method_data: data,
          mandate_data: { customer_acceptance: { type: 'online', online: { user_agent: 'x' } as never } },
        }),
      ),
    ).toMatchObject({
      statusCode: 400,
      code: 'parameter_missing',
      param: 'mandate_data[customer_acceptance][online][ip_address]',
    });
    expect(
      await error(
        stripe.setupIntents.confirm(intent.id, {
          payment_method_data: { ...data, sepa_debit: { iban: 'DE89370400440532013009' } },
          mandate_data: ONLINE,
        }),
      ),
    ).toMatchObject({
      statusCode: 400,
      param: 'payment_method_data[sepa_debit][iban]',
    });
    expect(
      await error(
        stripe.setupIntents.confirm(intent.id, {
          payment_method_data: { type: 'sepa_debit', sepa_debit: { iban: 'DE89370400440532013000' } },
          mandate_data: ONLINE,
        }),
      ),
    ).toMatchObject({
      statusCode: 400,
      code: 'parameter_missing',
      param: 'payment_method_data[billing_details][name]',
    });
    expect(await error(stripe.setupIntents.confirm(intent.id, { payment_method: 'pm_card_visa' }))).toMatchObject({
      statusCode: 400,
      code: 'payment_intent_invalid_parameter',
    });
    expect(await stripe.setupIntents.retrieve(intent.id)).toMatchObject({
      status: 'requires_payment_method',
      payment_method: null,
      mandate: null,
    });
    expect((await stripe.customers.listPaymentMethods(customer.id)).data).toEqual([]);
    expect((await stripe.paymentMethods.list({ type: 'sepa_debit' })).data).toEqual([]);
  });

  it('deactivates the mandate when the method is detached', async () => {
    const customer = await stripe.customers.create({});
    const intent = await sepaSetup(customer.id, 'DE89370400440532013000');
    await stripe.paymentMethods.detach(intent.payment_method as string);
    expect(await stripe.mandates.retrieve(intent.mandate as string)).toMatchObject({ status: 'inactive' });
    const [updated] = (await stripe.events.list({ type: 'mandate.updated' })).data;
    expect(updated).toMatchObject({
      data: { object: { id: intent.mandate, status: 'inactive' }, previous_attributes: { status: 'active' } },
    });
  });
});

describe('PayPal set-up, through the redirect', () => {
  it('needs a return_url, redirects, and saves the approved account when the customer comes back', async () => {
    const customer = await stripe.customers.create({});
    const intent = await stripe.setupIntents.create({
      customer: customer.id,
      allowed_payment_method_types: ['paypal'],
    });
    expect(
      await error(stripe.setupIntents.confirm(intent.id, { payment_method_data: { type: 'paypal' } })),
    ).toMatchObject({ statusCode: 400, code: 'parameter_missing', param: 'return_url' });

    const pending = await stripe.setupIntents.confirm(intent.id, {
      payment_method_data: { type: 'paypal' },
      return_url: 'https://app.example/billing/return',
      mandate_data: ONLINE,
    });
    expect(pending).toMatchObject({
      status: 'requires_action',
      next_action: {
        type: 'redirect_to_url',
        redirect_to_url: {
          return_url: 'https://app.example/billing/return',
          url: `${harness.emulator.url}/_emulator/authenticate/${intent.id}`,
        },
      },
    });
    expect((await stripe.customers.listPaymentMethods(customer.id)).data).toEqual([]);

    const back = await answerRedirect(pending.next_action!.redirect_to_url!.url!, 'succeed');
    expect(back.status).toBe(303);
    const location = new URL(back.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe('https://app.example/billing/return');
    expect(Object.fromEntries(location.searchParams)).toEqual({
      setup_intent: intent.id,
      setup_intent_client_secret: intent.client_secret,
      redirect_status: 'succeeded',
    });

    const done = await stripe.setupIntents.retrieve(intent.id);
    expect(done).toMatchObject({ status: 'succeeded', next_action: null, mandate: expect.stringMatching(/^mandate_/) });
    expect(await stripe.paymentMethods.retrieve(done.payment_method as string)).toMatchObject({
      customer: customer.id,
      type: 'paypal',
      paypal: { payer_id: expect.any(String), payer_email: expect.any(String) },
    });
    expect(await stripe.mandates.retrieve(done.mandate as string)).toMatchObject({
      payment_method_details: { type: 'paypal', paypal: { billing_agreement_id: expect.stringMatching(/^B-/) } },
    });
  });

  it('leaves nothing saved when the customer refuses at PayPal', async () => {
    const customer = await stripe.customers.create({});
    const intent = await stripe.setupIntents.create({ customer: customer.id });
    const pending = await stripe.setupIntents.confirm(intent.id, {
      payment_method_data: { type: 'paypal' },
      return_url: 'https://app.example/return',
    });
    const back = await answerRedirect(pending.next_action!.redirect_to_url!.url!, 'fail');
    expect(new URL(back.headers.get('location')!).searchParams.get('redirect_status')).toBe('failed');
    expect(await stripe.setupIntents.retrieve(intent.id)).toMatchObject({
      status: 'requires_payment_method',
      last_setup_error: { code: 'setup_intent_authentication_failure' },
    });
    expect((await stripe.customers.listPaymentMethods(customer.id)).data).toEqual([]);
  });

  it('charges an approved account off session without a redirect; a payment with a new account redirects', async () => {
    const customer = await stripe.customers.create({});
    const approved = await stripe.paymentMethods.attach('pm_paypal', { customer: customer.id });
    expect(
      await stripe.paymentIntents.create({
        amount: 1000,
        currency: 'eur',
        customer: customer.id,
        payment_method: approved.id,
        confirm: true,
        off_session: true,
      }),
    ).toMatchObject({ status: 'succeeded' });
    const fresh = await stripe.paymentIntents.create({
      amount: 1000,
      currency: 'eur',
      customer: customer.id,
      payment_method_data: { type: 'paypal' },
      confirm: true,
      return_url: 'https://app.example/paid',
    });
    expect(fresh).toMatchObject({
      status: 'requires_action',
      next_action: { redirect_to_url: { return_url: 'https://app.example/paid' } },
    });
    const back = await answerRedirect(fresh.next_action!.redirect_to_url!.url!, 'succeed');
    expect(new URL(back.headers.get('location')!).searchParams.get('payment_intent')).toBe(fresh.id);
    expect(await stripe.paymentIntents.retrieve(fresh.id)).toMatchObject({ status: 'succeeded' });
  });
});

describe('SEPA Direct Debit payments settle days later', () => {
  /** A 15 € debit of a customer on a test clock, confirmed with the mandate accepted online. */
  const debitConfirmedOnline = async (testMethod: string) => {
    const { customer, clock, paymentMethod } = await customerOnClock(stripe, testMethod);
    const intent = await stripe.paymentIntents.create({
      amount: 1500,
      currency: 'eur',
      customer: customer.id,
      payment_method: paymentMethod!,
      confirm: true,
      mandate_data: ONLINE,
    });
    return { customer, clock, intent };
  };

  it('stays processing with a pending charge until the settlement day, then succeeds', async () => {
    const { clock, intent } = await debitConfirmedOnline('pm_success_de');
    expect(intent).toMatchObject({ status: 'processing', amount_received: 0 });
    const charge = await stripe.charges.retrieve(intent.latest_charge as string);
    expect(charge).toMatchObject({
      status: 'pending',
      paid: false,
      payment_method_details: {
        type: 'sepa_debit',
        sepa_debit: { last4: '3000', mandate: expect.stringMatching(/^mandate_/) },
      },
    });

    await advance(stripe, clock, MARCH_1 + 5 * DAY - 60);
    expect(await stripe.paymentIntents.retrieve(intent.id)).toMatchObject({ status: 'processing' });
    await advance(stripe, clock, MARCH_1 + 5 * DAY + 60);
    expect(await stripe.paymentIntents.retrieve(intent.id)).toMatchObject({
      status: 'succeeded',
      amount_received: 1500,
    });
    expect(await stripe.charges.retrieve(charge.id)).toMatchObject({
      status: 'succeeded',
      paid: true,
      amount_captured: 1500,
    });
    expect(await eventTypes(stripe, (event) => /^(payment_intent|charge)\./.test(event.type))).toEqual([
      'payment_intent.created',
      'charge.pending',
      'payment_intent.processing',
      'charge.succeeded',
      'payment_intent.succeeded',
    ]);
  });

  it('fails late as the test IBAN says: insufficient funds', async () => {
    const { clock, intent } = await debitConfirmedOnline('pm_insufficientFunds_de');
    expect(intent.status).toBe('processing');
    await advance(stripe, clock, MARCH_1 + 6 * DAY);
    expect(await stripe.paymentIntents.retrieve(intent.id)).toMatchObject({
      status: 'requires_payment_method',
      last_payment_error: { code: 'insufficient_funds' },
    });
    expect(await stripe.charges.retrieve(intent.latest_charge as string)).toMatchObject({
      status: 'failed',
      failure_code: 'insufficient_funds',
    });
  });

  it('refuses to confirm a processing debit again: one pending charge, then one settlement', async () => {
    const { customer, clock, intent } = await debitConfirmedOnline('pm_success_de');
    expect(intent.status).toBe('processing');
    const card = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    for (const again of [{}, { payment_method: card.id }]) {
      expect(await error(stripe.paymentIntents.confirm(intent.id, again))).toMatchObject({
        statusCode: 400,
        type: 'StripeInvalidRequestError',
        code: 'payment_intent_unexpected_state',
        message: expect.stringContaining('status of processing'),
      });
    }
    expect(await stripe.paymentIntents.retrieve(intent.id)).toMatchObject({
      status: 'processing',
      payment_method: intent.payment_method,
    });
    expect((await stripe.charges.list({ customer: customer.id })).data).toMatchObject([{ status: 'pending' }]);
    await advance(stripe, clock, MARCH_1 + 5 * DAY + 60);
    expect((await stripe.charges.list({ customer: customer.id })).data).toMatchObject([
      { status: 'succeeded', amount_captured: 1500 },
    ]);
  });

  it('needs the mandate of a method that has none', async () => {
    const customer = await stripe.customers.create({});
    const method = await stripe.paymentMethods.attach('pm_success_de', { customer: customer.id });
    expect(
      await error(
        stripe.paymentIntents.create({
          amount: 1500,
          currency: 'eur',
          customer: customer.id,
          payment_method: method.id,
          confirm: true,
        }),
      ),
    ).toMatchObject({ statusCode: 400, param: 'mandate_data' });
  });

  it("settles on the emulator's own clock for a customer without a test clock", async () => {
    await harness.close();
    harness = await startHarness({ debitSettlementDays: 0 });
    stripe = harness.stripe;
    const customer = await stripe.customers.create({});
    const setup = await sepaSetup(customer.id, 'DE89370400440532013000');
    const intent = await stripe.paymentIntents.create({
      amount: 1500,
      currency: 'eur',
      customer: customer.id,
      payment_method: setup.payment_method as string,
      confirm: true,
      off_session: true,
    });
    expect(intent.status).toBe('processing');
    expect(await stripe.paymentIntents.retrieve(intent.id)).toMatchObject({ status: 'succeeded' });
  });
});

describe('subscriptions paid by SEPA Direct Debit', () => {
  it('keeps a first invoice open and the subscription incomplete while the debit processes, then activates it', async () => {
    const { customer, clock } = await customerOnClock(stripe, 'pm_success_de');
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: (await recurringPrice(stripe, 1000)).id }],
      payment_behavior: 'error_if_incomplete',
    });
    expect(subscription.status).toBe('incomplete');
    const invoice = await stripe.invoices.retrieve(subscription.latest_invoice as string);
    expect(invoice).toMatchObject({ status: 'open', attempt_count: 1, next_payment_attempt: null });
    // Past the 23 hours an unpaid first invoice is given: a processing debit does not expire the subscription.
    await advance(stripe, clock, MARCH_1 + 2 * DAY);
    expect(await stripe.subscriptions.retrieve(subscription.id)).toMatchObject({ status: 'incomplete' });
    await advance(stripe, clock, MARCH_1 + 5 * DAY + 60);
    expect(await stripe.subscriptions.retrieve(subscription.id)).toMatchObject({ status: 'active' });
    expect(await stripe.invoices.retrieve(invoice.id)).toMatchObject({ status: 'paid' });
  });

  it('refuses to pay an invoice again while its debit processes, by any method, and charges once', async () => {
    const { customer, clock } = await customerOnClock(stripe, 'pm_success_de');
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: (await recurringPrice(stripe, 960)).id }],
      payment_behavior: 'error_if_incomplete',
    });
    const invoice = subscription.latest_invoice as string;
    const card = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    for (const again of [{}, { payment_method: card.id }]) {
      expect(await error(stripe.invoices.pay(invoice, again))).toMatchObject({
        statusCode: 400,
        type: 'StripeInvalidRequestError',
        code: 'payment_intent_unexpected_state',
        payment_intent: { status: 'processing' },
      });
    }
    expect(await stripe.invoices.retrieve(invoice)).toMatchObject({ status: 'open', attempt_count: 1 });
    expect((await stripe.charges.list({ customer: customer.id })).data).toMatchObject([
      { status: 'pending', amount: 960, payment_method_details: { type: 'sepa_debit' } },
    ]);
    await advance(stripe, clock, MARCH_1 + 5 * DAY + 60);
    expect(await stripe.invoices.retrieve(invoice)).toMatchObject({ status: 'paid', amount_paid: 960 });
    expect((await stripe.charges.list({ customer: customer.id })).data).toHaveLength(1);
  });

  it('a renewal debit that fails late makes the subscription past due and starts dunning', async () => {
    const { customer, clock } = await customerOnClock(stripe);
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: (await recurringPrice(stripe, 1000)).id }],
    });
    const failing = await stripe.paymentMethods.attach('pm_failed_de', { customer: customer.id });
    await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: failing.id } });

    await advance(stripe, clock, APRIL_1 + 2 * 3600);
    const [renewal] = (await stripe.invoices.list({ customer: customer.id, status: 'open' })).data;
    expect(renewal).toMatchObject({
      billing_reason: 'subscription_cycle',
      attempt_count: 1,
      next_payment_attempt: null,
    });
    expect(await stripe.subscriptions.retrieve(subscription.id)).toMatchObject({ status: 'active' });

    await advance(stripe, clock, APRIL_1 + 5 * DAY + 2 * 3600);
    expect(await stripe.subscriptions.retrieve(subscription.id)).toMatchObject({ status: 'past_due' });
    const failed = await stripe.invoices.retrieve(renewal!.id);
    expect(failed).toMatchObject({ status: 'open', next_payment_attempt: expect.any(Number) });
    expect(await stripe.charges.list({ customer: customer.id })).toMatchObject({
      data: [{ status: 'failed', failure_code: 'generic_could_not_process' }, { status: 'succeeded' }],
    });
  });

  /** A subscription paid by card, then a SEPA mandate the customer's default, and a dearer price. */
  async function upgradingBySepa(): Promise<{
    subscription: Stripe.Subscription;
    dearer: Stripe.Price;
    clock: Stripe.TestHelpers.TestClock;
  }> {
    const { customer, clock } = await customerOnClock(stripe);
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: (await recurringPrice(stripe, 1000)).id }],
    });
    const sepa = await stripe.paymentMethods.attach('pm_success_de', { customer: customer.id });
    await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: sepa.id } });
    return { subscription, dearer: await recurringPrice(stripe, 3000), clock };
  }

  it('error_if_incomplete: a processing debit is not a failure, the update applies and the invoice settles days later', async () => {
    const { subscription, dearer, clock } = await upgradingBySepa();
    const updated = await stripe.subscriptions.update(subscription.id, {
      items: [{ id: subscription.items.data[0]!.id, price: dearer.id }],
      proration_behavior: 'always_invoice',
      payment_behavior: 'error_if_incomplete',
      expand: ['latest_invoice'],
    });
    expect(updated).toMatchObject({
      status: 'active',
      pending_update: null,
      items: { data: [{ price: { id: dearer.id } }] },
    });
    const invoice = updated.latest_invoice as Stripe.Invoice;
    expect(invoice).toMatchObject({
      billing_reason: 'subscription_update',
      status: 'open',
      attempt_count: 1,
      next_payment_attempt: null,
    });
    const [debit] = (await stripe.paymentIntents.list({ customer: String(subscription.customer) })).data;
    expect(debit).toMatchObject({ amount: invoice.amount_due, status: 'processing' });

    await advance(stripe, clock, MARCH_1 + 5 * DAY + 60);
    expect(await stripe.invoices.retrieve(invoice.id)).toMatchObject({ status: 'paid' });
    expect(await stripe.subscriptions.retrieve(subscription.id)).toMatchObject({
      status: 'active',
      items: { data: [{ price: { id: dearer.id } }] },
    });
  });

  it('refuses a pending update when a bank debit pays the subscription, and changes nothing', async () => {
    const { subscription, dearer } = await upgradingBySepa();
    const refused = await error(
      stripe.subscriptions.update(subscription.id, {
        items: [{ id: subscription.items.data[0]!.id, price: dearer.id }],
        proration_behavior: 'always_invoice',
        payment_behavior: 'pending_if_incomplete',
      }),
    );
    expect(refused).toMatchObject({
      statusCode: 400,
      type: 'StripeInvalidRequestError',
      param: 'payment_behavior',
      message: expect.stringContaining('bank debit'),
    });
    expect(await stripe.subscriptions.retrieve(subscription.id)).toMatchObject({
      items: { data: [{ price: { id: subscription.items.data[0]!.price.id } }] },
      pending_update: null,
    });
    expect((await stripe.invoices.list({ subscription: subscription.id })).data).toHaveLength(1);
  });
});
