import type Stripe from 'stripe';
import { SUCCEEDS, type ChargeBehaviour } from '../billing/charge-behaviour.ts';

/** A payment method the emulator can mint from a Stripe test id (`pm_card_visa`) or token (`tok_visa`). */
export interface PaymentMethodTemplate {
  type: 'card' | 'paypal' | 'sepa_debit';
  details: Pick<Stripe.PaymentMethod, 'card' | 'paypal' | 'sepa_debit'>;
  behaviour: ChargeBehaviour;
}

const GENERIC_DECLINE = 'Your card was declined.';

function card(brand: string, last4: string, behaviour: ChargeBehaviour = SUCCEEDS, country = 'US'): PaymentMethodTemplate {
  return {
    type: 'card',
    behaviour,
    details: {
      card: {
        brand,
        checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: 'pass' },
        country,
        display_brand: brand,
        exp_month: 12,
        exp_year: 2034,
        fingerprint: `emu${brand}${last4}`,
        funding: 'credit',
        generated_from: null,
        last4,
        networks: { available: [brand], preferred: null },
        regulated_status: 'unregulated',
        three_d_secure_usage: { supported: true },
        wallet: null,
      },
    },
  };
}

export function sepaDebitTemplate(last4: string, behaviour: ChargeBehaviour = SUCCEEDS): PaymentMethodTemplate {
  return {
    type: 'sepa_debit',
    behaviour,
    details: { sepa_debit: { bank_code: '37040044', branch_code: null, country: 'DE', fingerprint: `emusepa${last4}`, generated_from: null, last4 } },
  };
}

export function paypalTemplate(email = 'buyer@example.com'): PaymentMethodTemplate {
  return { type: 'paypal', behaviour: SUCCEEDS, details: { paypal: { country: 'DE', payer_email: email, payer_id: 'EMULATORPAYER01' } } };
}

/**
 * Stripe's test payment method ids, plus `pm_paypal` and `pm_sepaDebit` (emulator names for a PayPal
 * account and a SEPA mandate; Stripe itself creates those through a redirect or an IBAN).
 */
export const TEST_PAYMENT_METHODS: Record<string, PaymentMethodTemplate> = {
  pm_card_visa: card('visa', '4242'),
  pm_card_mastercard: card('mastercard', '4444'),
  pm_card_amex: card('amex', '8431'),
  pm_card_visa_debit: card('visa', '5556'),
  pm_card_fr: card('visa', '0003', SUCCEEDS, 'FR'),
  pm_card_de: card('visa', '0016', SUCCEEDS, 'DE'),
  pm_card_chargeDeclined: card('visa', '0002', { kind: 'declines', declineCode: 'generic_decline', message: GENERIC_DECLINE, onAttach: true }),
  pm_card_chargeDeclinedInsufficientFunds: card('visa', '9995', { kind: 'declines', declineCode: 'insufficient_funds', message: 'Your card has insufficient funds.', onAttach: true }),
  pm_card_chargeDeclinedExpiredCard: card('visa', '0069', { kind: 'declines', declineCode: 'expired_card', message: 'Your card has expired.', onAttach: true }),
  pm_card_chargeCustomerFail: card('visa', '0341', { kind: 'declines', declineCode: 'generic_decline', message: GENERIC_DECLINE, onAttach: false }),
  pm_card_authenticationRequired: card('visa', '3184', { kind: 'authenticates', when: 'always' }),
  pm_card_authenticationRequiredOnSetup: card('visa', '3155', { kind: 'authenticates', when: 'on_setup' }),
  pm_paypal: paypalTemplate(),
  pm_sepaDebit: sepaDebitTemplate('3000'),
  pm_sepaDebit_fails: sepaDebitTemplate('3001', { kind: 'declines', declineCode: 'generic_decline', message: 'The payment was declined by the bank.', onAttach: false }),
};

/** `tok_visa` → `pm_card_visa`, as Stripe maps its test tokens. */
export function templateForToken(token: string): PaymentMethodTemplate | undefined {
  return TEST_PAYMENT_METHODS[`pm_card_${token.replace(/^tok_/, '')}`];
}

/** Stripe's SEPA test IBANs: one ending in 3001 is refused when charged. */
export function templateForIban(iban: string): PaymentMethodTemplate {
  const last4 = iban.replace(/\s/g, '').slice(-4);
  return last4 === '3001' ? (TEST_PAYMENT_METHODS['pm_sepaDebit_fails'] as PaymentMethodTemplate) : sepaDebitTemplate(last4);
}
