import type Stripe from 'stripe';
import type { Emulator } from '../emulator.ts';
import type { RequestParams } from '../http/params.ts';
import { listPage } from '../http/list-page.ts';
import { parameterInvalid, parameterMissing } from '../stripe-error.ts';
import {
  attachPaymentMethod,
  detachPaymentMethod,
  mintPaymentMethod,
  resolvePaymentMethod,
} from '../billing/payment-method-wallet.ts';
import {
  isValidIban,
  paypalTemplate,
  templateForIban,
  templateForToken,
  type PaymentMethodTemplate,
} from './test-payment-methods.ts';
import { addressFrom } from './address.ts';

/** `/v1/payment_methods`: create (card tokens, PayPal, SEPA IBANs), attach, detach, list. */
export function registerPaymentMethodRoutes(emulator: Emulator): void {
  const { router, store } = emulator;
  router.on('POST', '/v1/payment_methods', ({ params }) => createPaymentMethod(emulator, params));
  router.on('GET', '/v1/payment_methods/:id', ({ path }) => resolvePaymentMethod(emulator, path.id ?? '', 'id'));
  router.on('POST', '/v1/payment_methods/:id', ({ params, path }) => {
    const method = store.paymentMethods.require(path.id ?? '');
    method.metadata = params.metadata('metadata', method.metadata ?? {});
    method.billing_details = billingDetailsFrom(params.object('billing_details'), method.billing_details);
    emulator.events.emit('payment_method.updated', method, emulator.now());
    return method;
  });
  router.on('POST', '/v1/payment_methods/:id/attach', ({ params, path }) =>
    attachPaymentMethod(
      emulator,
      resolvePaymentMethod(emulator, path.id ?? '', 'id'),
      params.requiredString('customer'),
    ),
  );
  router.on('POST', '/v1/payment_methods/:id/detach', ({ path }) =>
    detachPaymentMethod(emulator, store.paymentMethods.require(path.id ?? '')),
  );
  router.on('GET', '/v1/payment_methods', ({ params }) => {
    const customer = params.string('customer');
    const type = params.string('type');
    const methods = store.paymentMethods
      .newestFirst()
      .filter((method) => (!customer || method.customer === customer) && (!type || method.type === type));
    return listPage(methods, params, '/v1/payment_methods');
  });
  router.on('GET', '/v1/customers/:customer/payment_methods', ({ params, path }) => {
    const customer = store.customers.require(path.customer ?? '', 'customer');
    const type = params.string('type');
    const methods = store.paymentMethods
      .newestFirst()
      .filter((method) => method.customer === customer.id && (!type || method.type === type));
    return listPage(methods, params, `/v1/customers/${customer.id}/payment_methods`);
  });
}

function createPaymentMethod(emulator: Emulator, params: RequestParams): Stripe.PaymentMethod {
  return mintFromData(emulator, params);
}

/** A method from its data: `POST /v1/payment_methods`, or `payment_method_data` on a confirmation. */
export function mintFromData(emulator: Emulator, params: RequestParams): Stripe.PaymentMethod {
  const type = params.requiredString('type');
  const billingDetails = billingDetailsFrom(params.object('billing_details'));
  const template = templateFor(type, params);
  if (type === 'sepa_debit') {
    // Stripe refuses a SEPA Direct Debit method without the account holder's name and e-mail.
    if (!billingDetails.name) throw parameterMissing(`${params.name('billing_details')}[name]`);
    if (!billingDetails.email) throw parameterMissing(`${params.name('billing_details')}[email]`);
  }
  return mintPaymentMethod(emulator, template, billingDetails, params.metadata('metadata'));
}

function templateFor(type: string, params: RequestParams): PaymentMethodTemplate {
  switch (type) {
    case 'card': {
      const token = params.object('card')?.string('token');
      if (!token) throw parameterMissing(`${params.name('card')}[token]`);
      const template = templateForToken(token);
      if (!template) throw parameterInvalid(`${params.name('card')}[token]`, `No such token: '${token}'`);
      return template;
    }
    case 'paypal':
      return paypalTemplate();
    case 'sepa_debit': {
      const iban = params.object('sepa_debit')?.string('iban');
      if (!iban) throw parameterMissing(`${params.name('sepa_debit')}[iban]`);
      if (!isValidIban(iban))
        throw parameterInvalid(`${params.name('sepa_debit')}[iban]`, `The IBAN you provided (${iban}) is invalid.`);
      return templateForIban(iban);
    }
    default:
      throw parameterInvalid(
        params.name('type'),
        `The payment method type "${type}" is not supported by the Stripe emulator.`,
      );
  }
}

function billingDetailsFrom(
  params: RequestParams | undefined,
  current?: Stripe.PaymentMethod.BillingDetails,
): Stripe.PaymentMethod.BillingDetails {
  const base: Stripe.PaymentMethod.BillingDetails = current ?? {
    address: null,
    email: null,
    name: null,
    phone: null,
    tax_id: null,
  };
  if (!params) return base;
  const text = (key: 'email' | 'name' | 'phone') =>
    params.has(key) ? (params.nullableString(key) ?? null) : base[key];
  return {
    address: addressFrom(params.object('address'), base.address),
    email: text('email'),
    name: text('name'),
    phone: text('phone'),
    tax_id: base.tax_id,
  };
}
