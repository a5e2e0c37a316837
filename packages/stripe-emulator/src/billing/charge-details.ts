import type Stripe from 'stripe';

/**
 * A charge's `payment_method_details`: for a card, what Stripe records of the card at charge time (brand,
 * last 4, expiry, country, funding, network, the CVC check); other methods carry the details given (a SEPA
 * debit's bank, last 4 and mandate).
 */
export function paymentMethodDetails(
  method: Stripe.PaymentMethod | undefined,
  amount: number,
  succeeded: boolean,
  otherDetails: Record<string, unknown> = {},
): Stripe.Charge.PaymentMethodDetails | null {
  if (!method) return null;
  if (method.type !== 'card' || !method.card)
    return { type: method.type, [method.type]: otherDetails } as unknown as Stripe.Charge.PaymentMethodDetails;
  const card = method.card;
  return {
    type: 'card',
    card: {
      amount_authorized: succeeded ? amount : null,
      authorization_code: null,
      brand: card.brand,
      checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: 'pass' },
      country: card.country,
      electronic_commerce_indicator: null,
      exp_month: card.exp_month,
      exp_year: card.exp_year,
      fingerprint: card.fingerprint ?? null,
      funding: card.funding,
      installments: null,
      last4: card.last4,
      mandate: null,
      network: card.networks?.preferred ?? card.brand,
      network_transaction_id: null,
      regulated_status: 'unregulated',
      three_d_secure: null,
      transaction_link_id: null,
      wallet: null,
    },
  };
}
