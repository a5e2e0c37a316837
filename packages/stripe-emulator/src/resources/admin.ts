import type Stripe from 'stripe';
import type { Emulator } from '../emulator.ts';
import { Document, Redirect, simplePdf } from '../http/document.ts';
import type { RequestLog } from '../http/request-log.ts';
import { invalidRequest, resourceMissing } from '../stripe-error.ts';
import { confirmPaymentIntent, failPaymentIntent } from '../billing/payment-intent-engine.ts';
import { confirmSetupIntent } from '../billing/setup-intent-engine.ts';
import { settleInvoiceOfIntent } from '../billing/invoice-collection.ts';

/**
 * Inspection and control for tests, under `/_emulator/` (no API key): the request log, webhook
 * deliveries, reset, and the customer's answer at a redirect (3-D Secure, PayPal).
 */
export function registerAdminRoutes(emulator: Emulator, requests: RequestLog, reset: () => void): void {
  const { router, store } = emulator;
  router.on('GET', '/_emulator/requests', ({ params }) =>
    requests.page(params.integer('limit'), params.string('starting_after'), '/_emulator/requests'),
  );
  // Where an error's `request_log_url` points.
  router.on('GET', '/_emulator/requests/:id', ({ path }) => {
    const entry = requests.entries.find((candidate) => candidate.id === path.id);
    if (!entry) throw resourceMissing('request', path.id ?? '');
    return entry;
  });
  router.on('GET', '/_emulator/webhook_deliveries', ({ params }) =>
    emulator.webhooks.deliveries.page(
      params.integer('limit'),
      params.string('starting_after'),
      '/_emulator/webhook_deliveries',
    ),
  );
  router.on('POST', '/_emulator/reset', () => {
    reset();
    return { reset: true };
  });
  // Customers this service creates know nothing of test clocks (it never sends one): a test puts one on a
  // test clock here, before the customer has subscriptions, to drive its renewals and dunning.
  router.on('POST', '/_emulator/customers/:id/test_clock', ({ params, path }) => {
    const customer = store.customers.require(path.id ?? '');
    const clock = store.testClocks.require(params.string('test_clock') ?? '', 'test_clock');
    if (store.subscriptions.all().some((subscription) => subscription.customer === customer.id)) {
      throw invalidRequest('The customer already has subscriptions on the emulator clock.');
    }
    customer.test_clock = clock.id;
    return customer;
  });
  router.on('GET', '/_emulator/invoices/:id', ({ path }) => {
    const invoice = finalized(path.id ?? '');
    const lines = invoiceText(invoice).map(
      (line) => `<p>${line.replace(/[<&>]/g, (c) => `&#${c.charCodeAt(0)};`)}</p>`,
    );
    return new Document(
      'text/html; charset=utf-8',
      `<!doctype html><title>Invoice ${invoice.number}</title>${lines.join('')}`,
    );
  });
  router.on('GET', '/_emulator/invoices/:id/pdf', ({ path }) => simplePdf(invoiceText(finalized(path.id ?? ''))));
  const finalized = (id: string): Stripe.Invoice => {
    const invoice = store.invoices.require(id);
    if (invoice.status === 'draft') throw resourceMissing('invoice', id);
    return invoice;
  };
  // The page `next_action.redirect_to_url.url` names: the bank's 3-D Secure challenge or PayPal's approval.
  router.on('GET', '/_emulator/authenticate/:id', ({ path }) => {
    const intent = awaitingCustomer(path.id ?? '');
    const form = (result: string, label: string) =>
      `<form method="post"><input type="hidden" name="result" value="${result}"><button>${label}</button></form>`;
    return new Document(
      'text/html; charset=utf-8',
      `<!doctype html><title>Stripe emulator: ${intent.object === 'setup_intent' ? 'set up' : 'pay'}</title>${form('succeed', 'Approve')}${form('fail', 'Fail')}`,
    );
  });
  // `result=fail` plays a customer who fails or abandons the challenge. With a `return_url`, the customer is sent
  // back there as Stripe does, the outcome in the query (`redirect_status`); without one the intent is the answer.
  router.on('POST', '/_emulator/authenticate/:id', ({ params, path }) => {
    const intent = awaitingCustomer(path.id ?? '');
    const returnUrl = intent.next_action?.redirect_to_url?.return_url ?? null;
    const succeed = params.string('result') !== 'fail';
    const answered = intent.object === 'setup_intent' ? answerSetup(intent, succeed) : answerPayment(intent, succeed);
    return returnUrl ? new Redirect(returnLocation(returnUrl, answered)) : answered;
  });
  const awaitingCustomer = (id: string): Stripe.SetupIntent | Stripe.PaymentIntent => {
    const intent = store.setupIntents.get(id) ?? store.paymentIntents.get(id);
    if (!intent) throw resourceMissing('intent', id);
    if (intent.status !== 'requires_action')
      throw invalidRequest(`The intent ${id} does not require authentication (status ${intent.status}).`);
    return intent;
  };
  const answerSetup = (intent: Stripe.SetupIntent, succeed: boolean): Stripe.SetupIntent => {
    const now = emulator.now(emulator.clockOf(intent.customer as string | null));
    if (succeed) return confirmSetupIntent(emulator, intent, now, true);
    intent.status = 'requires_payment_method';
    intent.next_action = null;
    intent.last_setup_error = {
      type: 'card_error',
      code: 'setup_intent_authentication_failure',
      message: 'The latest attempt to set up the payment method has failed because authentication failed.',
    };
    emulator.events.emit('setup_intent.setup_failed', intent, now);
    return intent;
  };
  const answerPayment = (intent: Stripe.PaymentIntent, succeed: boolean): Stripe.PaymentIntent => {
    const now = emulator.now(emulator.clockOf(intent.customer as string | null));
    if (succeed) confirmPaymentIntent(emulator, intent, now, true);
    else
      failPaymentIntent(
        emulator,
        intent,
        now,
        'payment_intent_authentication_failure',
        'The provided PaymentMethod has failed authentication.',
      );
    settleInvoiceOfIntent(emulator, intent, now);
    return intent;
  };
}

/** Stripe's return: `setup_intent` (or `payment_intent`), its client secret and `redirect_status` added to the query. */
function returnLocation(returnUrl: string, intent: Stripe.SetupIntent | Stripe.PaymentIntent): string {
  const url = new URL(returnUrl);
  const name = intent.object;
  url.searchParams.set(name, intent.id);
  url.searchParams.set(`${name}_client_secret`, intent.client_secret ?? '');
  const status = intent.status === 'succeeded' ? 'succeeded' : intent.status === 'processing' ? 'pending' : 'failed';
  url.searchParams.set('redirect_status', status);
  return url.toString();
}

function invoiceText(invoice: Stripe.Invoice): string[] {
  const amount = (minor: number) => `${(minor / 100).toFixed(2)} ${invoice.currency.toUpperCase()}`;
  return [
    `Invoice ${invoice.number ?? invoice.id} (${invoice.status})`,
    ...invoice.lines.data.map((line) => `${line.description ?? ''}: ${amount(line.amount)}`),
    `Total: ${amount(invoice.total)}`,
    `Amount due: ${amount(invoice.amount_due)}`,
  ];
}
