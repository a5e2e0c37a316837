// Business outcomes a client must handle, returned (not thrown) by the services. The GraphQL layer maps
// each to a result type implementing `BillingError` or to the success type.
import type { Invoice } from '../invoices/invoice.ts';
import type { PaymentMethod } from '../payment-methods/payment-method.ts';
import type { Subscription } from '../subscriptions/subscription.ts';

export type PaymentFailed = { kind: 'payment_failed'; declineCode: string };
export type PaymentRequiresAction = {
  kind: 'requires_action';
  clientSecret: string;
  subscription: Subscription | null;
};
/** A direct debit the bank is processing (SEPA, days): the invoice stays open, neither paid nor failed. */
export type PaymentProcessing = {
  kind: 'payment_processing';
  invoice: Invoice;
  subscription: Subscription | null;
};
export type VersionConflict = { kind: 'version_conflict'; currentVersion: number };

export type SubscribeOutcome =
  | { kind: 'subscribed'; subscription: Subscription }
  | PaymentRequiresAction
  | PaymentFailed
  | { kind: 'already_subscribed'; subscription: Subscription }
  | { kind: 'payment_method_required' };

export type ChangePlanOutcome =
  | { kind: 'plan_changed'; subscription: Subscription }
  | PaymentRequiresAction
  | PaymentProcessing
  | PaymentFailed
  | { kind: 'downgrade_refused'; usedStorageBytes: bigint; newLimitBytes: bigint }
  | VersionConflict;

export type SubscriptionUpdateOutcome = { kind: 'subscription_updated'; subscription: Subscription } | VersionConflict;

export type PayInvoiceOutcome =
  { kind: 'invoice_paid'; invoice: Invoice } | PaymentRequiresAction | PaymentProcessing | PaymentFailed;

export type SetupOutcome =
  | { kind: 'payment_method_saved'; paymentMethod: PaymentMethod }
  | { kind: 'setup_requires_action'; clientSecret: string; redirectUrl: string | null }
  | { kind: 'setup_incomplete'; status: string };

export type RemovePaymentMethodOutcome =
  { kind: 'payment_method_removed'; id: string } | { kind: 'last_payment_method_required' };
