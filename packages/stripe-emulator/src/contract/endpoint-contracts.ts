/**
 * What each endpoint accepts. `sdk` names the official SDK's parameter type (`Stripe.CustomerCreateParams`):
 * its properties are the parameters Stripe knows, generated into `sdk-params.generated.json`. `emulated` lists
 * those the emulator implements, as dotted paths (array elements are transparent: `items.price`); a path covers
 * everything under it. A known parameter outside `emulated` is refused as not emulated, never ignored.
 */
export interface EndpointContract {
  sdk: string;
  emulated: readonly string[];
}

const LIST = ['ending_before', 'starting_after', 'limit', 'expand'] as const;
const CREATED = [...LIST, 'created'] as const;
const RETRIEVE: EndpointContract = { sdk: '', emulated: ['expand'] };

function retrieve(sdk: string): EndpointContract {
  return { ...RETRIEVE, sdk };
}

const ADDRESS = 'address';
const BILLING_DETAILS = [
  'billing_details.address',
  'billing_details.email',
  'billing_details.name',
  'billing_details.phone',
];
const NEW_ITEMS = ['items.price', 'items.quantity', 'items.tax_rates'];
/** Credit notes: lines of either kind, the three ways of giving back, and the note's own fields. */
const CREDIT_NOTE = [
  'invoice',
  'amount',
  'lines.type',
  'lines.invoice_line_item',
  'lines.quantity',
  'lines.amount',
  'lines.unit_amount',
  'lines.description',
  'lines.tax_rates',
  'lines.metadata',
  'refund_amount',
  'credit_amount',
  'out_of_band_amount',
  'reason',
  'memo',
  'metadata',
  'effective_at',
  'expand',
];
/** What a confirmation of a PayPal or SEPA Direct Debit method takes: the method's data, the mandate, the return. */
const CONFIRMATION = [
  'payment_method_data.type',
  'payment_method_data.sepa_debit.iban',
  'payment_method_data.paypal',
  ...BILLING_DETAILS.map((path) => `payment_method_data.${path}`),
  'mandate_data.customer_acceptance',
  'return_url',
];
const ITEM_CHANGES = ['items.id', 'items.price', 'items.quantity', 'items.deleted'];

export const ENDPOINT_CONTRACTS: Record<string, EndpointContract> = {
  'POST /v1/customers': {
    sdk: 'CustomerCreateParams',
    emulated: [
      ADDRESS,
      'balance',
      'description',
      'email',
      'expand',
      'invoice_settings.default_payment_method',
      'metadata',
      'name',
      'payment_method',
      'phone',
      'preferred_locales',
      'tax_exempt',
      'test_clock',
    ],
  },
  'GET /v1/customers/:id': retrieve('CustomerRetrieveParams'),
  'POST /v1/customers/:id': {
    sdk: 'CustomerUpdateParams',
    emulated: [
      ADDRESS,
      'balance',
      'description',
      'email',
      'expand',
      'invoice_settings.default_payment_method',
      'metadata',
      'name',
      'phone',
      'preferred_locales',
      'tax_exempt',
    ],
  },
  'DELETE /v1/customers/:id': { sdk: 'CustomerDeleteParams', emulated: [] },
  'GET /v1/customers': { sdk: 'CustomerListParams', emulated: [...CREATED, 'email', 'test_clock'] },
  'GET /v1/customers/:customer/payment_methods': {
    sdk: 'CustomerListPaymentMethodsParams',
    emulated: [...LIST, 'type'],
  },

  'POST /v1/payment_methods': {
    sdk: 'PaymentMethodCreateParams',
    emulated: ['type', 'card.token', 'paypal', 'sepa_debit.iban', ...BILLING_DETAILS, 'metadata', 'expand'],
  },
  'GET /v1/payment_methods/:id': retrieve('PaymentMethodRetrieveParams'),
  'POST /v1/payment_methods/:id': {
    sdk: 'PaymentMethodUpdateParams',
    emulated: [...BILLING_DETAILS, 'metadata', 'expand'],
  },
  'POST /v1/payment_methods/:id/attach': { sdk: 'PaymentMethodAttachParams', emulated: ['customer', 'expand'] },
  'POST /v1/payment_methods/:id/detach': { sdk: 'PaymentMethodDetachParams', emulated: ['expand'] },
  'GET /v1/payment_methods': { sdk: 'PaymentMethodListParams', emulated: [...LIST, 'customer', 'type'] },

  'POST /v1/setup_intents': {
    sdk: 'SetupIntentCreateParams',
    emulated: [
      'confirm',
      'customer',
      'description',
      'metadata',
      'payment_method',
      ...CONFIRMATION,
      'allowed_payment_method_types',
      'usage',
      'expand',
    ],
  },
  'GET /v1/setup_intents/:id': retrieve('SetupIntentRetrieveParams'),
  'POST /v1/setup_intents/:id/confirm': {
    sdk: 'SetupIntentConfirmParams',
    emulated: ['payment_method', ...CONFIRMATION, 'expand'],
  },
  'GET /v1/setup_intents': { sdk: 'SetupIntentListParams', emulated: [...LIST, 'customer'] },

  'POST /v1/payment_intents': {
    sdk: 'PaymentIntentCreateParams',
    emulated: [
      'amount',
      'currency',
      'confirm',
      'customer',
      'description',
      'metadata',
      'payment_method',
      'allowed_payment_method_types',
      ...CONFIRMATION,
      'setup_future_usage',
      'off_session',
      'expand',
    ],
  },
  'GET /v1/payment_intents/:id': retrieve('PaymentIntentRetrieveParams'),
  'POST /v1/payment_intents/:id/confirm': {
    sdk: 'PaymentIntentConfirmParams',
    emulated: ['payment_method', ...CONFIRMATION, 'off_session', 'expand'],
  },
  'GET /v1/payment_intents': { sdk: 'PaymentIntentListParams', emulated: [...LIST, 'customer'] },

  'POST /v1/products': {
    sdk: 'ProductCreateParams',
    emulated: ['id', 'name', 'active', 'description', 'metadata', 'statement_descriptor', 'unit_label', 'expand'],
  },
  'GET /v1/products/:id': retrieve('ProductRetrieveParams'),
  'POST /v1/products/:id': {
    sdk: 'ProductUpdateParams',
    emulated: [
      'name',
      'active',
      'default_price',
      'description',
      'metadata',
      'statement_descriptor',
      'unit_label',
      'url',
      'expand',
    ],
  },
  'GET /v1/products': { sdk: 'ProductListParams', emulated: [...LIST, 'active'] },

  'POST /v1/prices': {
    sdk: 'PriceCreateParams',
    emulated: [
      'product',
      'unit_amount',
      'currency',
      'active',
      'lookup_key',
      'transfer_lookup_key',
      'metadata',
      'nickname',
      'recurring.interval',
      'recurring.interval_count',
      'recurring.trial_period_days',
      'tax_behavior',
      'expand',
    ],
  },
  'GET /v1/prices/:id': retrieve('PriceRetrieveParams'),
  'POST /v1/prices/:id': {
    sdk: 'PriceUpdateParams',
    emulated: ['active', 'lookup_key', 'transfer_lookup_key', 'metadata', 'nickname', 'expand'],
  },
  'GET /v1/prices': { sdk: 'PriceListParams', emulated: [...LIST, 'active', 'product', 'type', 'lookup_keys'] },

  'POST /v1/tax_rates': {
    sdk: 'TaxRateCreateParams',
    emulated: [
      'display_name',
      'percentage',
      'inclusive',
      'active',
      'country',
      'description',
      'jurisdiction',
      'metadata',
      'state',
      'tax_type',
      'expand',
    ],
  },
  'GET /v1/tax_rates/:id': retrieve('TaxRateRetrieveParams'),
  'POST /v1/tax_rates/:id': {
    sdk: 'TaxRateUpdateParams',
    emulated: ['active', 'display_name', 'description', 'metadata', 'expand'],
  },
  'GET /v1/tax_rates': { sdk: 'TaxRateListParams', emulated: [...LIST, 'active'] },

  'POST /v1/subscriptions': {
    sdk: 'SubscriptionCreateParams',
    emulated: [
      'customer',
      ...NEW_ITEMS,
      'cancel_at_period_end',
      'default_payment_method',
      'default_tax_rates',
      'description',
      'metadata',
      'payment_behavior',
      'payment_settings.save_default_payment_method',
      'trial_end',
      'trial_from_plan',
      'trial_period_days',
      'trial_settings.end_behavior.missing_payment_method',
      'expand',
    ],
  },
  'GET /v1/subscriptions/:id': retrieve('SubscriptionRetrieveParams'),
  'POST /v1/subscriptions/:id': {
    sdk: 'SubscriptionUpdateParams',
    emulated: [
      ...ITEM_CHANGES,
      'cancel_at',
      'cancel_at_period_end',
      'default_payment_method',
      'default_tax_rates',
      'description',
      'metadata',
      'payment_behavior',
      'proration_behavior',
      'proration_date',
      'trial_end',
      'expand',
    ],
  },
  'DELETE /v1/subscriptions/:id': { sdk: 'SubscriptionCancelParams', emulated: ['expand'] },
  'POST /v1/subscriptions/:id/resume': { sdk: 'SubscriptionResumeParams', emulated: ['expand'] },
  'GET /v1/subscriptions': { sdk: 'SubscriptionListParams', emulated: [...CREATED, 'customer', 'price', 'status'] },
  'GET /v1/subscription_items': { sdk: 'SubscriptionItemListParams', emulated: [...LIST, 'subscription'] },

  'POST /v1/invoices/create_preview': {
    sdk: 'InvoiceCreatePreviewParams',
    emulated: [
      'customer',
      'subscription',
      'subscription_details.items.id',
      'subscription_details.items.price',
      'subscription_details.items.quantity',
      'subscription_details.items.deleted',
      'subscription_details.items.tax_rates',
      'subscription_details.proration_behavior',
      'subscription_details.proration_date',
      'subscription_details.default_tax_rates',
      'expand',
    ],
  },
  'GET /v1/invoices/:id': retrieve('InvoiceRetrieveParams'),
  'GET /v1/invoices/:id/lines': { sdk: 'InvoiceListLineItemsParams', emulated: [...LIST] },
  'POST /v1/invoices/:id': {
    sdk: 'InvoiceUpdateParams',
    emulated: ['auto_advance', 'default_tax_rates', 'description', 'metadata', 'expand'],
  },
  'POST /v1/invoices/:id/finalize': { sdk: 'InvoiceFinalizeInvoiceParams', emulated: ['auto_advance', 'expand'] },
  'POST /v1/invoices/:id/pay': { sdk: 'InvoicePayParams', emulated: ['paid_out_of_band', 'payment_method', 'expand'] },
  'POST /v1/invoices/:id/void': { sdk: 'InvoiceVoidInvoiceParams', emulated: ['expand'] },
  'POST /v1/invoices/:id/mark_uncollectible': { sdk: 'InvoiceMarkUncollectibleParams', emulated: ['expand'] },
  'GET /v1/invoices': { sdk: 'InvoiceListParams', emulated: [...CREATED, 'customer', 'subscription', 'status'] },
  'GET /v1/invoiceitems/:id': retrieve('InvoiceItemRetrieveParams'),
  'GET /v1/invoiceitems': { sdk: 'InvoiceItemListParams', emulated: [...LIST, 'customer', 'pending'] },

  'GET /v1/events/:id': retrieve('EventRetrieveParams'),
  'GET /v1/events': { sdk: 'EventListParams', emulated: [...CREATED, 'type', 'types'] },
  'POST /v1/webhook_endpoints': {
    sdk: 'WebhookEndpointCreateParams',
    emulated: ['url', 'enabled_events', 'api_version', 'description', 'metadata', 'expand'],
  },
  'GET /v1/webhook_endpoints/:id': retrieve('WebhookEndpointRetrieveParams'),
  'POST /v1/webhook_endpoints/:id': {
    sdk: 'WebhookEndpointUpdateParams',
    emulated: ['url', 'enabled_events', 'disabled', 'description', 'metadata', 'expand'],
  },
  'DELETE /v1/webhook_endpoints/:id': { sdk: 'WebhookEndpointDeleteParams', emulated: [] },
  'GET /v1/webhook_endpoints': { sdk: 'WebhookEndpointListParams', emulated: [...LIST] },

  'GET /v1/charges/:id': retrieve('ChargeRetrieveParams'),
  'GET /v1/charges': { sdk: 'ChargeListParams', emulated: [...LIST, 'customer', 'payment_intent'] },
  'POST /v1/refunds': {
    sdk: 'RefundCreateParams',
    emulated: ['charge', 'payment_intent', 'amount', 'reason', 'metadata', 'expand'],
  },
  'GET /v1/refunds/:id': retrieve('RefundRetrieveParams'),
  'GET /v1/refunds': { sdk: 'RefundListParams', emulated: [...LIST, 'charge', 'payment_intent'] },

  'POST /v1/credit_notes': { sdk: 'CreditNoteCreateParams', emulated: CREDIT_NOTE },
  'GET /v1/credit_notes/preview': { sdk: 'CreditNotePreviewParams', emulated: CREDIT_NOTE },
  'GET /v1/credit_notes/preview/lines': {
    sdk: 'CreditNoteListPreviewLineItemsParams',
    emulated: [...CREDIT_NOTE, ...LIST],
  },
  'GET /v1/credit_notes/:id': retrieve('CreditNoteRetrieveParams'),
  'GET /v1/credit_notes/:id/lines': { sdk: 'CreditNoteListLineItemsParams', emulated: [...LIST] },
  'POST /v1/credit_notes/:id': { sdk: 'CreditNoteUpdateParams', emulated: ['memo', 'metadata', 'expand'] },
  'POST /v1/credit_notes/:id/void': { sdk: 'CreditNoteVoidCreditNoteParams', emulated: ['expand'] },
  'GET /v1/credit_notes': { sdk: 'CreditNoteListParams', emulated: [...CREATED, 'invoice', 'customer'] },
  'GET /v1/mandates/:id': retrieve('MandateRetrieveParams'),

  'POST /v1/test_helpers/test_clocks': {
    sdk: 'TestHelpers.TestClockCreateParams',
    emulated: ['frozen_time', 'name', 'expand'],
  },
  'GET /v1/test_helpers/test_clocks/:id': retrieve('TestHelpers.TestClockRetrieveParams'),
  'GET /v1/test_helpers/test_clocks': { sdk: 'TestHelpers.TestClockListParams', emulated: [...LIST] },
  'POST /v1/test_helpers/test_clocks/:id/advance': {
    sdk: 'TestHelpers.TestClockAdvanceParams',
    emulated: ['frozen_time', 'expand'],
  },
  'DELETE /v1/test_helpers/test_clocks/:id': { sdk: 'TestHelpers.TestClockDeleteParams', emulated: [] },
};
