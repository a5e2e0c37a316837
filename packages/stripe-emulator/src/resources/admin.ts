import type Stripe from 'stripe';
import type { Emulator } from '../emulator.ts';
import { Document, simplePdf } from '../http/document.ts';
import type { RequestLog } from '../http/request-log.ts';
import { invalidRequest, resourceMissing } from '../stripe-error.ts';
import { confirmPaymentIntent, failPaymentIntent } from '../billing/payment-intent-engine.ts';
import { confirmSetupIntent } from '../billing/setup-intent-engine.ts';
import { settleInvoiceOfIntent } from '../billing/invoice-collection.ts';

/**
 * Inspection and control for tests, under `/_emulator/` (no API key): the request log, webhook
 * deliveries, reset, and the customer's answer to a 3-D Secure challenge.
 */
export function registerAdminRoutes(emulator: Emulator, requests: RequestLog, reset: () => void): void {
  const { router, store } = emulator;
  router.on('GET', '/_emulator/requests', ({ params }) => requests.page(params.integer('limit'), params.string('starting_after'), '/_emulator/requests'));
  // Where an error's `request_log_url` points.
  router.on('GET', '/_emulator/requests/:id', ({ path }) => {
    const entry = requests.entries.find((candidate) => candidate.id === path.id);
    if (!entry) throw resourceMissing('request', path.id ?? '');
    return entry;
  });
  router.on('GET', '/_emulator/webhook_deliveries', ({ params }) => emulator.webhooks.deliveries.page(params.integer('limit'), params.string('starting_after'), '/_emulator/webhook_deliveries'));
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
    const lines = invoiceText(invoice).map((line) => `<p>${line.replace(/[<&>]/g, (c) => `&#${c.charCodeAt(0)};`)}</p>`);
    return new Document('text/html; charset=utf-8', `<!doctype html><title>Invoice ${invoice.number}</title>${lines.join('')}`);
  });
  router.on('GET', '/_emulator/invoices/:id/pdf', ({ path }) => simplePdf(invoiceText(finalized(path.id ?? ''))));
  const finalized = (id: string): Stripe.Invoice => {
    const invoice = store.invoices.require(id);
    if (invoice.status === 'draft') throw resourceMissing('invoice', id);
    return invoice;
  };
  // `result=fail` plays a customer who fails or abandons the challenge.
  router.on('POST', '/_emulator/authenticate/:id', ({ params, path }) => {
    const id = path.id ?? '';
    const succeed = params.string('result') !== 'fail';
    const setupIntent = store.setupIntents.get(id);
    const paymentIntent = store.paymentIntents.get(id);
    const intent = setupIntent ?? paymentIntent;
    if (!intent) throw resourceMissing('intent', id);
    if (intent.status !== 'requires_action') throw invalidRequest(`The intent ${id} does not require authentication (status ${intent.status}).`);
    if (setupIntent) {
      const now = emulator.now(emulator.clockOf(setupIntent.customer as string | null));
      if (succeed) return confirmSetupIntent(emulator, setupIntent, now, true);
      setupIntent.status = 'requires_payment_method';
      setupIntent.next_action = null;
      setupIntent.last_setup_error = { type: 'card_error', code: 'setup_intent_authentication_failure', message: 'The latest attempt to set up the payment method has failed because authentication failed.' };
      emulator.events.emit('setup_intent.setup_failed', setupIntent, now);
      return setupIntent;
    }
    const payment = paymentIntent!;
    const now = emulator.now(emulator.clockOf(payment.customer as string | null));
    if (succeed) confirmPaymentIntent(emulator, payment, now, true);
    else failPaymentIntent(emulator, payment, now, 'payment_intent_authentication_failure', 'The provided PaymentMethod has failed authentication.');
    settleInvoiceOfIntent(emulator, payment, now);
    return payment;
  });
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
