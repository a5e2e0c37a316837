import type { SubscriptionStatus } from './subscription-status.ts';

/** A customer's recurring charge for a plan price, as mirrored from the provider. */
export interface Subscription {
  id: string;
  customerId: string;
  planId: string;
  priceId: string;
  providerSubscriptionId: string;
  status: SubscriptionStatus;
  currentPeriodStart: Date;
  currentPeriodEnd: Date;
  cancelAtPeriodEnd: boolean;
  /** A cancellation date set at the provider (Stripe's `cancel_at`). */
  cancelAt: Date | null;
  canceledAt: Date | null;
  trialEnd: Date | null;
  /** Start of the current payment failure, for the grace period. */
  pastDueSince: Date | null;
  /**
   * A plan change the provider holds until its invoice is paid (Stripe's `pending_update`): the subscription
   * stays on `planId` until then; the change is dropped at `pendingExpiresAt`. Null without one.
   */
  pendingPlanId: string | null;
  pendingPriceId: string | null;
  pendingExpiresAt: Date | null;
  /** The provider's invoice that applies the pending change once paid; it does not raise the unpaid flag. */
  pendingProviderInvoiceId: string | null;
  /** Optimistic concurrency: every change names the version it read. */
  version: number;
  createdAt: Date;
}
