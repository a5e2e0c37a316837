import { deepCopy } from '../deep-copy.ts';
import type Stripe from 'stripe';
import type { Emulator } from '../emulator.ts';
import { chargeOutcome, SUCCEEDS } from './charge-behaviour.ts';
import { approveRedirect, attachPaymentMethod } from './payment-method-wallet.ts';
import { activeMandateOf, createMandate } from './mandates.ts';

/** Methods charged later without the customer: their setup leaves a mandate behind. */
const MANDATED_TYPES = new Set(['sepa_debit', 'paypal']);

/**
 * Confirms a setup intent against its payment method's test behaviour: success attaches the method to
 * the customer (with its mandate, for SEPA Direct Debit and PayPal); cards that need 3-D Secure and PayPal
 * accounts not yet approved stop at `requires_action`, redirected to `/_emulator/authenticate`, until the
 * customer answers there. `returnUrl` is where that page sends the customer back.
 */
export function confirmSetupIntent(
  emulator: Emulator,
  intent: Stripe.SetupIntent,
  now: number,
  authenticated = false,
  returnUrl: string | null = null,
): Stripe.SetupIntent {
  const methodId =
    typeof intent.payment_method === 'string' ? intent.payment_method : (intent.payment_method?.id ?? '');
  const outcome = chargeOutcome(emulator.store.chargeBehaviour.get(methodId) ?? SUCCEEDS, true, authenticated);
  if (outcome.kind === 'requires_action') {
    intent.status = 'requires_action';
    intent.next_action = {
      type: 'redirect_to_url',
      redirect_to_url: { return_url: returnUrl, url: `${emulator.baseUrl}/_emulator/authenticate/${intent.id}` },
    };
    emulator.events.emit('setup_intent.requires_action', intent, now);
    return intent;
  }
  if (outcome.kind === 'declined') {
    const method = emulator.store.paymentMethods.get(methodId);
    intent.status = 'requires_payment_method';
    intent.next_action = null;
    intent.last_setup_error = {
      type: 'card_error',
      code: 'card_declined',
      decline_code: outcome.declineCode,
      message: outcome.message,
      ...(method ? { payment_method: deepCopy(method), payment_method_type: method.type } : {}),
    };
    emulator.events.emit('setup_intent.setup_failed', intent, now);
    return intent;
  }
  const customerId = typeof intent.customer === 'string' ? intent.customer : intent.customer?.id;
  const method = emulator.store.paymentMethods.get(methodId);
  if (method && authenticated) approveRedirect(emulator, method);
  if (customerId && method && method.customer !== customerId) attachPaymentMethod(emulator, method, customerId);
  if (method && MANDATED_TYPES.has(method.type)) intent.mandate = mandateFor(emulator, intent, method, now).id;
  intent.status = 'succeeded';
  intent.next_action = null;
  intent.last_setup_error = null;
  emulator.events.emit('setup_intent.succeeded', intent, now);
  return intent;
}

function mandateFor(
  emulator: Emulator,
  intent: Stripe.SetupIntent,
  method: Stripe.PaymentMethod,
  now: number,
): Stripe.Mandate {
  const acceptance = emulator.store.mandateAcceptances.get(intent.id);
  emulator.store.mandateAcceptances.delete(intent.id);
  if (!acceptance) {
    const existing = activeMandateOf(emulator, method.id);
    if (existing) return existing;
  }
  // PayPal's own approval is the customer's acceptance when Stripe.js sent none.
  return createMandate(
    emulator,
    method,
    acceptance ?? { accepted_at: now, type: 'online', online: { ip_address: null, user_agent: null } },
  );
}
