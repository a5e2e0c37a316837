export type BillingInterval = 'MONTH' | 'YEAR';

/** An amount in integer minor units (cents) of an ISO 4217 currency: money is never a float. */
export interface Money {
  amount: number;
  currency: string;
}
