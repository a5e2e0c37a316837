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
  isDefault: boolean;
  createdAt: Date;
}
