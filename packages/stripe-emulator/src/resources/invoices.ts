import type Stripe from 'stripe';
import type { Emulator } from '../emulator.ts';
import type { RequestParams } from '../http/params.ts';
import { listPage, matchesCreated } from '../http/list-page.ts';
import { StripeApiError, invalidRequest, parameterMissing } from '../stripe-error.ts';
import {
  collectInvoice,
  finalizeInvoice,
  markInvoicePaid,
  markInvoiceUncollectible,
  paymentIntentOf,
  voidInvoice,
} from '../billing/invoice-collection.ts';
import { previewChange, previewNewSubscription } from '../billing/subscription-changes.ts';
import { paymentError } from '../billing/subscription-lifecycle.ts';
import { resolvePaymentMethod } from '../billing/payment-method-wallet.ts';
import { itemChanges } from './subscriptions.ts';
import { recomputeTotals } from '../billing/invoice-assembly.ts';
import { lineTaxes } from '../billing/tax-calculation.ts';
import { updateInvoice } from '../billing/invoice-updates.ts';

/**
 * `/v1/invoices`: retrieve, list, update, finalize, pay, void, mark uncollectible, lines, create_preview;
 * `/v1/invoiceitems`: retrieve and list the proration items subscription changes create.
 */
export function registerInvoiceRoutes(emulator: Emulator): void {
  const { router, store } = emulator;
  const invoiceAt = (id: string | undefined) => store.invoices.require(id ?? '');
  const nowFor = (invoice: Stripe.Invoice) => emulator.now(invoice.test_clock);
  router.on('POST', '/v1/invoices/create_preview', ({ params }) => preview(emulator, params));
  router.on('GET', '/v1/invoices/:id', ({ path }) => invoiceAt(path.id));
  router.on('GET', '/v1/invoices/:id/lines', ({ params, path }) => {
    const invoice = invoiceAt(path.id);
    return listPage([...invoice.lines.data], params, `/v1/invoices/${invoice.id}/lines`);
  });
  router.on('POST', '/v1/invoices/:id', ({ params, path }) => {
    const invoice = invoiceAt(path.id);
    updateInvoice(emulator, invoice, nowFor(invoice), (target) => {
      target.metadata = params.metadata('metadata', target.metadata ?? {});
      if (params.has('description')) target.description = params.nullableString('description') ?? null;
      if (params.has('auto_advance')) target.auto_advance = params.boolean('auto_advance') ?? true;
      if (params.has('default_tax_rates'))
        setDefaultTaxRates(target, taxRates(emulator, params.strings('default_tax_rates') ?? []));
    });
    return invoice;
  });
  router.on('POST', '/v1/invoices/:id/finalize', ({ params, path }) => {
    const invoice = invoiceAt(path.id);
    const now = nowFor(invoice);
    finalizeInvoice(emulator, invoice, now);
    // An auto-advancing invoice is charged right after finalization, as the billing clock would.
    const autoAdvance = params.boolean('auto_advance') ?? invoice.auto_advance;
    if (autoAdvance && invoice.status === 'open') collectInvoice(emulator, invoice, now, { automatic: true });
    return invoice;
  });
  router.on('POST', '/v1/invoices/:id/pay', ({ params, path }) => pay(emulator, invoiceAt(path.id), params));
  router.on('POST', '/v1/invoices/:id/void', ({ path }) => {
    const invoice = invoiceAt(path.id);
    return voidInvoice(emulator, invoice, nowFor(invoice));
  });
  router.on('POST', '/v1/invoices/:id/mark_uncollectible', ({ path }) => {
    const invoice = invoiceAt(path.id);
    return markInvoiceUncollectible(emulator, invoice, nowFor(invoice));
  });
  router.on('GET', '/v1/invoiceitems/:id', ({ path }) => store.invoiceItems.require(path.id ?? ''));
  router.on('GET', '/v1/invoiceitems', ({ params }) => {
    const customer = params.string('customer');
    const pending = params.boolean('pending');
    const items = store.invoiceItems
      .newestFirst()
      .filter(
        (item) =>
          (!customer || item.customer === customer) && (pending === undefined || (item.invoice === null) === pending),
      );
    return listPage(items, params, '/v1/invoiceitems');
  });
  router.on('GET', '/v1/invoices', ({ params }) => {
    const customer = params.string('customer');
    const subscription = params.string('subscription');
    const status = params.string('status');
    const invoices = store.invoices
      .newestFirst()
      .filter(
        (invoice) =>
          (!customer || invoice.customer === customer) &&
          (!subscription || invoice.parent?.subscription_details?.subscription === subscription) &&
          (!status || invoice.status === status) &&
          matchesCreated(invoice.created, params),
      );
    return listPage(invoices, params, '/v1/invoices');
  });
}

/** A draft's default tax rates apply to its lines that have none of their own: every line here. */
function setDefaultTaxRates(invoice: Stripe.Invoice, rates: Stripe.TaxRate[]): void {
  if (invoice.status !== 'draft')
    throw invalidRequest('You can only update the default_tax_rates of a draft invoice.', 'invoice_not_editable');
  invoice.default_tax_rates = rates;
  for (const line of invoice.lines.data) line.taxes = lineTaxes(line.amount, rates);
  recomputeTotals(invoice);
}

function pay(emulator: Emulator, invoice: Stripe.Invoice, params: RequestParams): Stripe.Invoice {
  const now = emulator.now(invoice.test_clock);
  if (invoice.status === 'draft') finalizeInvoice(emulator, invoice, now);
  if (invoice.status === 'paid') throw invalidRequest('Invoice is already paid', 'invoice_already_paid');
  if (invoice.status !== 'open')
    throw invalidRequest(`You cannot pay an invoice that is ${invoice.status}.`, 'invoice_not_open');
  if (params.boolean('paid_out_of_band')) return markInvoicePaid(emulator, invoice, now, null);
  // The bank has a debit of this invoice's intent: another attempt would charge the customer a second time.
  const pending = paymentIntentOf(emulator, invoice);
  if (pending?.status === 'processing') {
    throw new StripeApiError(400, {
      type: 'invalid_request_error',
      code: 'payment_intent_unexpected_state',
      message: 'You cannot pay this invoice because its payment is processing.',
      payment_intent: pending,
    });
  }
  const methodId = params.string('payment_method');
  const method = methodId ? resolvePaymentMethod(emulator, methodId).id : undefined;
  const result = collectInvoice(emulator, invoice, now, {
    automatic: false,
    ...(method ? { paymentMethod: method } : {}),
  });
  // A debit in `processing` is no error: the invoice stays open until the bank answers.
  if (result === 'paid' || result === 'processing') return invoice;
  const intent = paymentIntentOf(emulator, invoice);
  if (result === 'requires_action') {
    throw new StripeApiError(402, {
      type: 'card_error',
      code: 'invoice_payment_intent_requires_action',
      message: 'This payment requires additional user action before it can be completed successfully.',
      ...(intent ? { payment_intent: intent } : {}),
    });
  }
  throw paymentError(intent);
}

/**
 * With `subscription`: `subscription_details[items|proration_behavior|proration_date]` describe the change to
 * preview. Without it: the first invoice of a new subscription of `customer` to `subscription_details[items]`.
 */
function preview(emulator: Emulator, params: RequestParams): Stripe.Invoice {
  const details = params.object('subscription_details');
  const subscriptionId = params.string('subscription');
  if (!subscriptionId) return previewNew(emulator, params, details);
  const subscription = emulator.store.subscriptions.require(subscriptionId, 'subscription');
  const customer = params.string('customer');
  if (customer && customer !== subscription.customer)
    throw invalidRequest(`The subscription does not belong to customer ${customer}.`, undefined, 'customer');
  const changes = itemChanges(emulator, subscription, details?.objects('items') ?? []);
  const behavior =
    details?.oneOf('proration_behavior', ['create_prorations', 'always_invoice', 'none'] as const) ??
    'create_prorations';
  const prorationDate = details?.integer('proration_date') ?? emulator.now(subscription.test_clock);
  return previewChange(emulator, subscription, changes, behavior, prorationDate);
}

function previewNew(emulator: Emulator, params: RequestParams, details: RequestParams | undefined): Stripe.Invoice {
  const customerId = params.string('customer');
  if (!customerId) throw parameterMissing('customer');
  const customer = emulator.store.customers.require(customerId, 'customer');
  const items = details?.objects('items');
  if (!items || items.length === 0) throw parameterMissing('subscription_details[items]');
  const defaultTaxRates = taxRates(emulator, details?.strings('default_tax_rates') ?? []);
  return previewNewSubscription(
    emulator,
    customer,
    items.map((item) => {
      const itemRates = taxRates(emulator, item.strings('tax_rates') ?? []);
      return {
        price: emulator.store.prices.require(item.requiredString('price'), item.name('price')),
        quantity: item.integer('quantity') ?? 1,
        taxRates: itemRates.length > 0 ? itemRates : defaultTaxRates,
      };
    }),
    emulator.now(customer.test_clock),
  );
}

function taxRates(emulator: Emulator, ids: string[]): Stripe.TaxRate[] {
  return ids.map((id) => emulator.store.taxRates.require(id, 'tax_rates'));
}
