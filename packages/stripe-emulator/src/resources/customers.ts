import { deepCopy } from '../deep-copy.ts';
import type Stripe from 'stripe';
import type { Emulator } from '../emulator.ts';
import type { RequestParams } from '../http/params.ts';
import { listPage, matchesCreated } from '../http/list-page.ts';
import { changedFields } from '../webhooks/event-log.ts';
import { attachPaymentMethod, resolvePaymentMethod } from '../billing/payment-method-wallet.ts';
import { cancelSubscription } from '../billing/subscription-status.ts';
import { invalidRequest } from '../stripe-error.ts';
import { addressFrom } from './address.ts';

/** `/v1/customers`: create, retrieve, update, delete, list. */
export function registerCustomerRoutes(emulator: Emulator): void {
  const { router, store } = emulator;
  router.on('POST', '/v1/customers', ({ params }) => createCustomer(emulator, params));
  router.on('GET', '/v1/customers/:id', ({ path }) => {
    const id = path.id ?? '';
    if (store.deletedCustomers.has(id)) return deletedCustomer(id);
    return store.customers.require(id);
  });
  router.on('POST', '/v1/customers/:id', ({ params, path }) => {
    const customer = store.customers.require(path.id ?? '');
    const before = deepCopy(customer);
    applyCustomerParams(emulator, customer, params);
    emulator.events.emit(
      'customer.updated',
      customer,
      emulator.now(emulator.clockOf(customer.id)),
      changedFields(before, customer),
    );
    return customer;
  });
  router.on('DELETE', '/v1/customers/:id', ({ path }) => {
    const customer = store.customers.require(path.id ?? '');
    const now = emulator.now(emulator.clockOf(customer.id));
    for (const subscription of store.subscriptions.all()) {
      if (
        subscription.customer === customer.id &&
        subscription.status !== 'canceled' &&
        subscription.status !== 'incomplete_expired'
      ) {
        cancelSubscription(emulator, subscription, now, 'cancellation_requested');
      }
    }
    store.customers.delete(customer.id);
    store.deletedCustomers.add(customer.id);
    emulator.events.emit('customer.deleted', customer, now);
    return deletedCustomer(customer.id);
  });
  router.on('GET', '/v1/customers', ({ params }) => {
    const email = params.string('email');
    const clock = params.string('test_clock');
    const customers = store.customers
      .newestFirst()
      .filter(
        (customer) =>
          (!email || customer.email === email) &&
          (!clock || customer.test_clock === clock) &&
          matchesCreated(customer.created, params),
      );
    return listPage(customers, params, '/v1/customers');
  });
}

function deletedCustomer(id: string): Stripe.DeletedCustomer {
  return { id, object: 'customer', deleted: true };
}

function createCustomer(emulator: Emulator, params: RequestParams): Stripe.Customer {
  const clock = params.string('test_clock') ?? null;
  if (clock) emulator.store.testClocks.require(clock, 'test_clock');
  const customer: Stripe.Customer = {
    id: emulator.ids.next('cus'),
    object: 'customer',
    address: null,
    balance: 0,
    created: emulator.now(clock),
    currency: null,
    customer_account: null,
    default_source: null,
    delinquent: false,
    description: null,
    discount: null,
    email: null,
    invoice_prefix: emulator.ids.token(8).toUpperCase(),
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false,
    metadata: {},
    name: null,
    next_invoice_sequence: 1,
    phone: null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: 'none',
    test_clock: clock,
  };
  emulator.store.customers.add(customer);
  applyProfile(customer, params);
  emulator.events.emit('customer.created', customer, customer.created);
  const initialMethod = params.string('payment_method');
  const initial = initialMethod
    ? attachPaymentMethod(emulator, resolvePaymentMethod(emulator, initialMethod), customer.id)
    : undefined;
  // A test id (`pm_card_visa`) given as both the initial and the default method names the one just attached.
  if (initial && params.object('invoice_settings')?.string('default_payment_method') === initialMethod) {
    customer.invoice_settings.default_payment_method = initial.id;
  } else {
    applyInvoiceSettings(emulator, customer, params);
  }
  return customer;
}

function applyCustomerParams(emulator: Emulator, customer: Stripe.Customer, params: RequestParams): void {
  applyProfile(customer, params);
  applyInvoiceSettings(emulator, customer, params);
}

function applyProfile(customer: Stripe.Customer, params: RequestParams): void {
  for (const key of ['name', 'email', 'description', 'phone'] as const) {
    if (params.has(key)) customer[key] = params.nullableString(key) ?? null;
  }
  customer.metadata = params.metadata('metadata', customer.metadata);
  customer.address = addressFrom(params.object('address'), customer.address ?? null);
  if (params.has('preferred_locales')) customer.preferred_locales = params.strings('preferred_locales') ?? [];
  const taxExempt = params.oneOf('tax_exempt', ['none', 'exempt', 'reverse'] as const);
  if (taxExempt) customer.tax_exempt = taxExempt;
  // Negative: a credit that the next invoices draw on (at finalization, and in their previews).
  const balance = params.integer('balance');
  if (balance !== undefined) customer.balance = balance;
}

/** `invoice_settings[default_payment_method]`: the method must already belong to the customer. */
function applyInvoiceSettings(emulator: Emulator, customer: Stripe.Customer, params: RequestParams): void {
  const invoiceSettings = params.object('invoice_settings');
  if (invoiceSettings?.has('default_payment_method')) {
    const methodId = invoiceSettings.nullableString('default_payment_method') ?? null;
    if (methodId) {
      const method = resolvePaymentMethod(emulator, methodId, 'invoice_settings[default_payment_method]');
      if (method.customer !== customer.id) {
        throw invalidRequest(
          `No such PaymentMethod: '${methodId}'; It's possible this PaymentMethod exists on one of your connected accounts, in which case you should retry this request on that connected account.`,
          'resource_missing',
          'invoice_settings[default_payment_method]',
        );
      }
      customer.invoice_settings.default_payment_method = method.id;
    } else {
      customer.invoice_settings.default_payment_method = null;
    }
  }
}
