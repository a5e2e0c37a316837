// Payment state -> entitlements. The README's policy table is this function; it runs whenever the
// payment state changes (and when a grace period expires) and its result is stored on the customer.
import type { SubscriptionStatus } from '../subscriptions/subscription-status.ts';

export type EntitlementBasis = 'FREE_PLAN' | 'SUBSCRIPTION' | 'GRACE_PERIOD' | 'PAYMENT_LAPSED';

export interface PlanLimits {
  id: string;
  driveStorageBytes: bigint;
  parallelDownloads: number;
}

export interface EffectiveEntitlements {
  planId: string;
  driveStorageBytes: bigint;
  parallelDownloads: number;
  basis: EntitlementBasis;
  graceEndsAt: Date | null;
}

export interface PaymentState {
  status: SubscriptionStatus;
  plan: PlanLimits;
  /** When the current run of failed payments began; null when none failed. */
  pastDueSince: Date | null;
}

export const DEFAULT_GRACE_PERIOD_DAYS = 14;
const DAY_MS = 86_400_000;

export function resolveEntitlements(
  subscription: PaymentState | null,
  freePlan: PlanLimits,
  now: Date,
  gracePeriodDays: number = DEFAULT_GRACE_PERIOD_DAYS,
): EffectiveEntitlements {
  const grant = (plan: PlanLimits, basis: EntitlementBasis, graceEndsAt: Date | null = null) => ({
    planId: plan.id,
    driveStorageBytes: plan.driveStorageBytes,
    parallelDownloads: plan.parallelDownloads,
    basis,
    graceEndsAt,
  });
  if (!subscription) return grant(freePlan, 'FREE_PLAN');

  switch (subscription.status) {
    case 'TRIALING':
    case 'ACTIVE':
      return grant(subscription.plan, 'SUBSCRIPTION');
    case 'PAST_DUE': {
      // A missing start means the failure is being recorded now: the grace period starts with it.
      const since = subscription.pastDueSince ?? now;
      const graceEndsAt = new Date(since.getTime() + gracePeriodDays * DAY_MS);
      return now < graceEndsAt
        ? grant(subscription.plan, 'GRACE_PERIOD', graceEndsAt)
        : grant(freePlan, 'PAYMENT_LAPSED');
    }
    case 'UNPAID':
      return grant(freePlan, 'PAYMENT_LAPSED');
    case 'INCOMPLETE':
    case 'INCOMPLETE_EXPIRED':
    case 'CANCELED':
    case 'PAUSED':
      return grant(freePlan, 'FREE_PLAN');
  }
}
