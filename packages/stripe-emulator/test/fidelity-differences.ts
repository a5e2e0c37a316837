/**
 * Every way an emulator object differs in shape from Stripe's example of the same resource
 * (stripe-openapi/fixtures3.json, vendored from shared/), with the reason. fidelity.test.ts fails on any difference
 * not listed here and on any entry here that no longer occurs.
 *
 * `null X`: the emulator answers null where the example shows a value; `extra X`: a field the SDK's types
 * have and the example lacks; `missing X`: a field the example has and the SDK's types no longer have.
 */

/** The SDK pins API version 2026-10-28.endive; the fixtures (openapi v2436) predate it, and the types win. */
const NEWER = 'Present in the SDK types of the pinned API version, newer than the fixtures.';
const REMOVED = 'No longer part of the resource in the pinned API version (absent from the SDK types).';
const STATE = 'Null in this state of the object (not yet set, not canceled, not failed...), exactly as Stripe answers.';
const UNUSED_FEATURE = 'Belongs to a Stripe feature the emulator does not emulate; Stripe also answers null when it is unused.';
const UNSET_BILLING = 'Billing details the client did not provide are null, as in Stripe (the example shows a filled-in card).';
const CONNECT = 'Stripe Connect is not emulated; null for a platform\'s own payments, as in Stripe.';
const DISCOUNTS = 'Discounts and coupons are not emulated.';
const ONE_PARENT = 'A line has one parent: subscription lines fill subscription_item_details only (the example fills both kinds).';
const CREDITED_ITEMS = 'Not tracked by the emulator: Stripe names the invoice line a credit proration reverses.';

export const KNOWN_DIFFERENCES: Record<string, Record<string, string>> = {
  'customer': {
    'extra customer_account': NEWER,
    'null address': 'Stripe returns null until an address is set; the customer only knows an anonymous id.',
    'null currency': 'Null until the customer is first billed, as in Stripe.',
    'null discount': DISCOUNTS,
    'null invoice_settings.rendering_options': STATE,
    'null shipping': 'Null when no shipping details are set, as in Stripe.',
  },
  'payment_method': {
    'null billing_details.address.city': UNSET_BILLING,
    'null billing_details.address.country': UNSET_BILLING,
    'null billing_details.address.line1': UNSET_BILLING,
    'null billing_details.address.postal_code': UNSET_BILLING,
    'null billing_details.address.state': UNSET_BILLING,
    'null billing_details.email': UNSET_BILLING,
    'null billing_details.phone': UNSET_BILLING,
    'null card.generated_from': 'Null for a card not generated from a card-present payment, as in Stripe.',
    'null card.wallet': 'Null for a card not stored from a wallet, as in Stripe.',
  },
  'setup_intent': {
    'extra allowed_payment_method_types': NEWER,
    'extra customer_account': NEWER,
    'null automatic_payment_methods': UNUSED_FEATURE,
    'null last_setup_error': STATE,
    'null next_action': STATE,
    'null payment_method_configuration_details': UNUSED_FEATURE,
  },
  'payment_intent': {
    'extra allowed_payment_method_types': NEWER,
    'extra payment_record': NEWER,
    'null automatic_payment_methods': UNUSED_FEATURE,
    'null canceled_at': STATE,
    'null last_payment_error': STATE,
    'null managed_payments': UNUSED_FEATURE,
    'null next_action': STATE,
    'null payment_method_configuration_details': UNUSED_FEATURE,
    'null processing': UNUSED_FEATURE,
    'null shipping': UNUSED_FEATURE,
    'null transfer_data': CONNECT,
  },
  'product': {
    'extra tax_details': NEWER,
    'null default_price': STATE,
    'null description': STATE,
    'null package_dimensions': UNUSED_FEATURE,
  },
  'price': {
    'null custom_unit_amount': UNUSED_FEATURE,
    'null transform_quantity': UNUSED_FEATURE,
  },
  'tax_rate': {
    'null description': STATE,
    'null flat_amount': UNUSED_FEATURE,
    'null tax_type': UNUSED_FEATURE,
  },
  'subscription': {
    'extra cancellation_details.feedback_option': NEWER,
    'extra items.data[].current_trial': NEWER,
    'extra trial_settings.end_behavior.billing_cycle_anchor': NEWER,
    'null automatic_tax.liability': UNUSED_FEATURE,
    'null billing_cycle_anchor_config': UNUSED_FEATURE,
    'null billing_mode.flexible': UNUSED_FEATURE,
    'null billing_thresholds': UNUSED_FEATURE,
    'null cancel_at': STATE,
    'null canceled_at': STATE,
    'null ended_at': STATE,
    'null items.data[].billing_thresholds': UNUSED_FEATURE,
    'null items.data[].plan.transform_usage': UNUSED_FEATURE,
    'null items.data[].price.custom_unit_amount': UNUSED_FEATURE,
    'null items.data[].price.transform_quantity': UNUSED_FEATURE,
    'null managed_payments': UNUSED_FEATURE,
    'null next_pending_invoice_item_invoice': UNUSED_FEATURE,
    'null pause_collection': UNUSED_FEATURE,
    'null payment_settings.payment_method_options': UNUSED_FEATURE,
    'null pending_invoice_item_interval': UNUSED_FEATURE,
    'null pending_update': STATE,
    'null transfer_data': CONNECT,
    'null trial_end': STATE,
    'null trial_start': STATE,
  },
  'subscription_item': {
    'extra current_trial': NEWER,
    'null billing_thresholds': UNUSED_FEATURE,
    'null plan.transform_usage': UNUSED_FEATURE,
    'null price.custom_unit_amount': UNUSED_FEATURE,
    'null price.transform_quantity': UNUSED_FEATURE,
  },
  'invoice': {
    'extra lines.data[].pricing.price_details': NEWER,
    'missing subscription': REMOVED,
    'null automatic_tax.liability': UNUSED_FEATURE,
    'null customer_address': 'The customer has no address: the provider only knows an anonymous id.',
    'null customer_shipping': UNUSED_FEATURE,
    'null due_date': STATE,
    'null from_invoice': UNUSED_FEATURE,
    'null last_finalization_error': STATE,
    'null lines.data[].parent.invoice_item_details': ONE_PARENT,
    'null lines.data[].parent.subscription_item_details.proration_details.credited_items': CREDITED_ITEMS,
    'null next_payment_attempt': STATE,
    'null parent.quote_details': UNUSED_FEATURE,
    'null payment_settings.payment_method_options': UNUSED_FEATURE,
    'null shipping_cost': UNUSED_FEATURE,
    'null shipping_details': UNUSED_FEATURE,
    'null webhooks_delivered_at': 'Not tracked by the emulator (Stripe sets it once the invoice.created webhooks are delivered).',
  },
  'invoiceitem': {
    'extra parent.subscription_details.subscription_item': NEWER,
    'extra pricing.price_details': NEWER,
  },
  'line_item': {
    'extra pricing.price_details': NEWER,
    'null parent.invoice_item_details': ONE_PARENT,
    'null parent.subscription_item_details.proration_details.credited_items': CREDITED_ITEMS,
  },
  'invoice_payment': {
    'extra payment.payment_intent': 'The example shows only the payment type; a payment made through a payment intent names it, as the SDK types define.',
  },
  'webhook_endpoint': {
    'null description': STATE,
  },
};
