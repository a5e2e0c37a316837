/**
 * Every way the emulator's objects differ from the SDK's types or from Stripe's example objects
 * (stripe-openapi/fixtures3.json), with the reason. fidelity.test.ts fails on any difference not listed here
 * and on any entry here that no longer occurs.
 *
 * `never filled X`: the example fills X, and no state the test puts the object in does (X stays null or
 * empty). `value X`: a deterministic value (id prefix, object name, currency) differs from the example's.
 * `sdk ...`: the object departs from the SDK's type. Fields the SDK's types of the pinned API version add or
 * remove are not differences: the SDK, newer than the fixtures, is the reference.
 */

const UNUSED_FEATURE =
  "Belongs to a Stripe feature the emulator does not emulate (see the README's limits); Stripe answers null too when it is unused.";
const CONNECT = "Stripe Connect is not emulated; null for a platform's own payments, as in Stripe.";
const DISCOUNTS = 'Discounts, coupons and credit grants are not emulated.';
const SHIPPING = 'Shipping is not emulated: null when no shipping details are given, as in Stripe.';
const PRICE_OPTIONS =
  'Custom unit amounts and quantity transforms are not emulated; null on a plain recurring price, as in Stripe.';
const BILLING_THRESHOLDS = 'Billing thresholds are not emulated; null without thresholds, as in Stripe.';
const TRANSFORM_USAGE = 'Metered usage is not emulated; null on a licensed plan, as in Stripe.';
const BALANCE_TRANSACTIONS = "Balance transactions are not emulated (see the README's limits).";
const ONE_PARENT =
  'A line has one parent: subscription and proration lines fill subscription_item_details only (the example fills both kinds at once, which no real line does).';
const FLAT_AMOUNT =
  'Flat-amount tax rates (US retail delivery fees) are not emulated; null on a percentage rate, as in Stripe.';
const WALLET =
  'Cards stored from wallets (Apple Pay, Google Pay) are not emulated; null for a card typed in, as in Stripe.';

export const KNOWN_DIFFERENCES: Record<string, Record<string, string>> = {
  customer: {
    'never filled discount': DISCOUNTS,
    'never filled invoice_settings.rendering_options':
      'Invoice rendering options are not emulated; null until set, as in Stripe.',
    'never filled shipping': SHIPPING,
  },
  payment_method: {
    'never filled card.generated_from':
      'Cards generated from card-present payments are not emulated; null otherwise, as in Stripe.',
    'never filled card.wallet': WALLET,
  },
  setup_intent: {
    'never filled automatic_payment_methods': UNUSED_FEATURE,
    'never filled payment_method_configuration_details': UNUSED_FEATURE,
  },
  payment_intent: {
    'never filled automatic_payment_methods': UNUSED_FEATURE,
    'never filled managed_payments': UNUSED_FEATURE,
    'never filled payment_method_configuration_details': UNUSED_FEATURE,
    'never filled processing':
      'Card payments settle at once; `processing` details exist for asynchronous card payments only (the SDK type has only `card`), so a processing SEPA debit has none either, as in Stripe.',
    'never filled shipping': SHIPPING,
    'never filled transfer_data': CONNECT,
  },
  product: {
    'never filled package_dimensions': SHIPPING,
  },
  price: {
    'never filled custom_unit_amount': PRICE_OPTIONS,
    'never filled transform_quantity': PRICE_OPTIONS,
  },
  tax_rate: {
    'never filled flat_amount': FLAT_AMOUNT,
  },
  subscription: {
    'never filled automatic_tax.liability':
      'Stripe Tax (automatic_tax) is not emulated; null while it is disabled, as in Stripe.',
    'never filled billing_cycle_anchor_config':
      'Set only when a subscription is created with billing_cycle_anchor_config, which is not emulated.',
    'never filled billing_mode.flexible':
      'Flexible billing mode is not emulated; subscriptions use classic mode, where this is null.',
    'never filled billing_schedules': 'Billing schedules are not emulated; empty without them, as in Stripe.',
    'never filled billing_thresholds': BILLING_THRESHOLDS,
    'never filled items.data[].billing_thresholds': BILLING_THRESHOLDS,
    'never filled items.data[].plan.transform_usage': TRANSFORM_USAGE,
    'never filled items.data[].price.custom_unit_amount': PRICE_OPTIONS,
    'never filled items.data[].price.transform_quantity': PRICE_OPTIONS,
    'never filled managed_payments': UNUSED_FEATURE,
    'never filled next_pending_invoice_item_invoice':
      'Pending invoice item intervals are not emulated; null without them, as in Stripe.',
    'never filled pause_collection': 'Pausing collection is not emulated; null while not paused, as in Stripe.',
    'never filled payment_settings.payment_method_options': UNUSED_FEATURE,
    'never filled pending_invoice_item_interval':
      'Pending invoice item intervals are not emulated; null without them, as in Stripe.',
    'never filled pending_update':
      'Filled only while an update made with payment_behavior=pending_if_incomplete waits for its payment; null otherwise, as in Stripe.',
    'never filled transfer_data': CONNECT,
  },
  subscription_item: {
    'never filled billing_thresholds': BILLING_THRESHOLDS,
    'never filled plan.transform_usage': TRANSFORM_USAGE,
    'never filled price.custom_unit_amount': PRICE_OPTIONS,
    'never filled price.transform_quantity': PRICE_OPTIONS,
  },
  invoice: {
    'never filled automatic_tax.liability':
      'Stripe Tax (automatic_tax) is not emulated; null while it is disabled, as in Stripe.',
    'never filled customer_shipping': SHIPPING,
    'never filled due_date': 'Set only for send_invoice collection, which is not emulated.',
    'never filled from_invoice': 'Invoice revisions are not emulated.',
    'never filled last_finalization_error':
      'Finalization never fails in the emulator (it would need Stripe Tax or invalid customer data).',
    'never filled lines.data[].parent.invoice_item_details': ONE_PARENT,
    'never filled parent.quote_details': 'Quotes are not emulated.',
    'never filled payment_settings.payment_method_options': UNUSED_FEATURE,
    'never filled shipping_cost': SHIPPING,
    'never filled shipping_details': SHIPPING,
  },
  line_item: {
    'never filled parent.invoice_item_details': ONE_PARENT,
    'value id: does not start with il_tmp_':
      'The example is a line of an upcoming-invoice preview, whose lines carry temporary il_tmp_ ids; lines of stored invoices are il_.',
  },
  charge: {
    'never filled balance_transaction': BALANCE_TRANSACTIONS,
    'never filled payment_method_details.card.installments':
      'Installments (Mexico, Japan) are not emulated; null otherwise, as in Stripe.',
    'never filled payment_method_details.card.three_d_secure':
      "The samples' 3-D Secure payment is not authenticated; the emulator records no 3-D Secure outcome on charges.",
    'never filled payment_method_details.card.wallet': WALLET,
    'never filled receipt_url': 'Receipts are not emulated.',
    'never filled shipping': SHIPPING,
    'never filled source': 'Legacy Sources are not emulated; null for PaymentMethod charges, as in Stripe.',
    'never filled transfer_data': CONNECT,
    'value payment_method: does not start with card_':
      'The example names a legacy card_ source; PaymentMethod charges name a pm_, as the SDK types describe.',
  },
  credit_note: {
    'never filled lines.data[].pretax_credit_amounts': DISCOUNTS,
    'never filled lines.data[].tax_rates[].flat_amount': FLAT_AMOUNT,
    'never filled pretax_credit_amounts': DISCOUNTS,
    'never filled refunds[].payment_record_refund':
      'Null for a refund of a Stripe payment (type refund), as in Stripe; payment records are not emulated.',
    'never filled shipping_cost': SHIPPING,
  },
  credit_note_line_item: {
    'never filled pretax_credit_amounts': DISCOUNTS,
  },
};
