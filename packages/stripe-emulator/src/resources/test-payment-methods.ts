import type Stripe from 'stripe';
import { SUCCEEDS, type ChargeBehaviour } from '../billing/charge-behaviour.ts';

/** A payment method the emulator can mint from a Stripe test id (`pm_card_visa`) or token (`tok_visa`). */
export interface PaymentMethodTemplate {
  type: 'card' | 'paypal' | 'sepa_debit';
  details: Pick<Stripe.PaymentMethod, 'card' | 'paypal' | 'sepa_debit'>;
  behaviour: ChargeBehaviour;
}

const GENERIC_DECLINE = 'Your card was declined.';

function card(
  brand: string,
  last4: string,
  behaviour: ChargeBehaviour = SUCCEEDS,
  country = 'US',
): PaymentMethodTemplate {
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

const SEPA_SETTLES: ChargeBehaviour = { kind: 'debits', failure: null };

function sepaDebit(iban: string, behaviour: ChargeBehaviour = SEPA_SETTLES): PaymentMethodTemplate {
  const compact = iban.replace(/\s/g, '').toUpperCase();
  const country = compact.slice(0, 2);
  // A German IBAN carries the bank code (Bankleitzahl) in characters 5 to 12; other countries' layouts differ.
  const bankCode = country === 'DE' ? compact.slice(4, 12) : null;
  return {
    type: 'sepa_debit',
    behaviour,
    details: {
      sepa_debit: {
        bank_code: bankCode,
        branch_code: null,
        country,
        fingerprint: `emusepa${compact.slice(-8)}`,
        generated_from: null,
        last4: compact.slice(-4),
      },
    },
  };
}

function lateFailure(code: string, message: string): ChargeBehaviour {
  return { kind: 'debits', failure: { code, message } };
}

/**
 * Stripe's SEPA Direct Debit test IBANs (https://docs.stripe.com/testing#sepa-direct-debit) and the
 * test payment method of each (`pm_success_de`, ...). Every debit first stays `processing`
 * (`debitSettlementDays`); "delayed" ones settle like the others. Disputes are not emulated: the disputed
 * IBAN settles.
 */
const SEPA_TEST_ACCOUNTS: Record<string, { token: string; behaviour: ChargeBehaviour }> = {
  DE89370400440532013000: { token: 'pm_success_de', behaviour: SEPA_SETTLES },
  DE08370400440532013003: { token: 'pm_successDelayed_de', behaviour: SEPA_SETTLES },
  DE35370400440532013002: { token: 'pm_disputed_de', behaviour: SEPA_SETTLES },
  DE62370400440532013001: {
    token: 'pm_failed_de',
    behaviour: lateFailure('generic_could_not_process', 'The payment could not be processed by the bank.'),
  },
  DE78370400440532013004: {
    token: 'pm_failedDelayed_de',
    behaviour: lateFailure('generic_could_not_process', 'The payment could not be processed by the bank.'),
  },
  DE65370400440002222227: {
    token: 'pm_insufficientFunds_de',
    behaviour: lateFailure(
      'insufficient_funds',
      "The customer's account has insufficient funds to cover this payment.",
    ),
  },
};

/** A PayPal account before the customer approved the billing agreement: PayPal fills its details then. */
export function paypalTemplate(): PaymentMethodTemplate {
  return {
    type: 'paypal',
    behaviour: { kind: 'redirects', approved: false },
    details: { paypal: { country: null, payer_email: null, payer_id: null } },
  };
}

/** What PayPal reports once the customer approved (test values: the emulator knows no real payer). */
export const APPROVED_PAYPAL_PAYER: Stripe.PaymentMethod.Paypal = {
  country: 'DE',
  payer_email: 'buyer@example.com',
  payer_id: 'EMULATORPAYER01',
};

/**
 * Stripe's test payment method ids, plus `pm_paypal`, `pm_sepaDebit` and `pm_sepaDebit_fails` (emulator names:
 * a PayPal account whose billing agreement is already approved, and the succeeding and failing test IBANs).
 */
export const TEST_PAYMENT_METHODS: Record<string, PaymentMethodTemplate> = {
  pm_card_visa: card('visa', '4242'),
  pm_card_mastercard: card('mastercard', '4444'),
  pm_card_amex: card('amex', '8431'),
  pm_card_visa_debit: card('visa', '5556'),
  pm_card_fr: card('visa', '0003', SUCCEEDS, 'FR'),
  pm_card_de: card('visa', '0016', SUCCEEDS, 'DE'),
  pm_card_chargeDeclined: card('visa', '0002', {
    kind: 'declines',
    declineCode: 'generic_decline',
    message: GENERIC_DECLINE,
    onAttach: true,
  }),
  pm_card_chargeDeclinedInsufficientFunds: card('visa', '9995', {
    kind: 'declines',
    declineCode: 'insufficient_funds',
    message: 'Your card has insufficient funds.',
    onAttach: true,
  }),
  pm_card_chargeDeclinedExpiredCard: card('visa', '0069', {
    kind: 'declines',
    declineCode: 'expired_card',
    message: 'Your card has expired.',
    onAttach: true,
  }),
  pm_card_chargeCustomerFail: card('visa', '0341', {
    kind: 'declines',
    declineCode: 'generic_decline',
    message: GENERIC_DECLINE,
    onAttach: false,
  }),
  pm_card_authenticationRequired: card('visa', '3184', { kind: 'authenticates', when: 'always' }),
  pm_card_authenticationRequiredOnSetup: card('visa', '3155', { kind: 'authenticates', when: 'on_setup' }),
  pm_paypal: {
    type: 'paypal',
    behaviour: { kind: 'redirects', approved: true },
    details: { paypal: APPROVED_PAYPAL_PAYER },
  },
  pm_sepaDebit: templateForIban('DE89370400440532013000'),
  pm_sepaDebit_fails: templateForIban('DE62370400440532013001'),
  ...Object.fromEntries(
    Object.entries(SEPA_TEST_ACCOUNTS).map(([iban, account]) => [account.token, sepaDebit(iban, account.behaviour)]),
  ),
};

/** `tok_visa` → `pm_card_visa`, as Stripe maps its test tokens. */
export function templateForToken(token: string): PaymentMethodTemplate | undefined {
  return TEST_PAYMENT_METHODS[`pm_card_${token.replace(/^tok_/, '')}`];
}

/** A SEPA account from its IBAN: a Stripe test IBAN behaves as documented, any other settles. */
export function templateForIban(iban: string): PaymentMethodTemplate {
  const compact = iban.replace(/\s/g, '').toUpperCase();
  return sepaDebit(compact, SEPA_TEST_ACCOUNTS[compact]?.behaviour ?? SEPA_SETTLES);
}

/** ISO 13616: two letters, two check digits, up to 30 alphanumerics, and the whole modulo 97 is 1. */
export function isValidIban(iban: string): boolean {
  const compact = iban.replace(/\s/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(compact)) return false;
  const digits = `${compact.slice(4)}${compact.slice(0, 4)}`.replace(/[A-Z]/g, (letter) =>
    String(letter.charCodeAt(0) - 55),
  );
  let remainder = 0;
  for (const digit of digits) remainder = (remainder * 10 + Number(digit)) % 97;
  return remainder === 1;
}
