import { deepCopy } from '../deep-copy.ts';
import type Stripe from 'stripe';
import type { Emulator } from '../emulator.ts';
import { chargeOutcome, SUCCEEDS } from './charge-behaviour.ts';
import { attachPaymentMethod } from './payment-method-wallet.ts';

/**
 * Confirms a setup intent against its payment method's test behaviour: success attaches the method to
 * the customer; cards that need 3-D Secure stop at `requires_action` until `/_emulator/authenticate`.
 */
export function confirmSetupIntent(emulator: Emulator, intent: Stripe.SetupIntent, now: number, authenticated = false): Stripe.SetupIntent {
  const methodId = typeof intent.payment_method === 'string' ? intent.payment_method : (intent.payment_method?.id ?? '');
  const outcome = chargeOutcome(emulator.store.chargeBehaviour.get(methodId) ?? SUCCEEDS, true, authenticated);
  if (outcome.kind === 'requires_action') {
    intent.status = 'requires_action';
    intent.next_action = { type: 'redirect_to_url', redirect_to_url: { return_url: null, url: `${emulator.baseUrl}/_emulator/authenticate/${intent.id}` } };
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
  if (customerId && method && method.customer !== customerId) attachPaymentMethod(emulator, method, customerId);
  intent.status = 'succeeded';
  intent.next_action = null;
  intent.last_setup_error = null;
  emulator.events.emit('setup_intent.succeeded', intent, now);
  return intent;
}
