export type PaymentMethodType = 'CARD' | 'PAYPAL' | 'SEPA_DEBIT' | 'OTHER';

/** What the provider keeps, as we show it: display data only, and which one is the default. */
export interface PaymentMethod {
  id: string;
  customerId: string;
  providerPaymentMethodId: string;
  type: PaymentMethodType;
  brand: string | null;
  last4: string | null;
  expMonth: number | null;
  expYear: number | null;
  /** ISO country of the card, bank account or PayPal account. */
  country: string | null;
  /** A SEPA account's bank code; never the IBAN. */
  bankCode: string | null;
  /** A PayPal account's e-mail, masked (b…r@example.com). */
  payerEmail: string | null;
  isDefault: boolean;
  createdAt: Date;
}
