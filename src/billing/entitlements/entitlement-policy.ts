// Payment state -> entitlements. The README's policy table is this function; it runs whenever the
// payment state changes (and when a grace period expires) and its result is stored on the customer.
import type { SubscriptionStatus } from '../subscriptions/subscription-status.ts';

export type EntitlementBasis = 'FREE_PLAN' | 'SUBSCRIPTION' | 'GRACE_PERIOD' | 'PAYMENT_LAPSED' | 'GRANTED';

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

/** What admins decided for one customer, beyond its payments. */
export interface AdminExceptions {
  /** The current payment failure's grace period lasts at least until then. */
  graceExtendedUntil?: Date | null;
  /** A plan given without payment until a date; it applies when no paid subscription does. */
  grant?: { plan: PlanLimits; until: Date } | null;
}

/** What an owner without a subscription (or without a customer row at all) is entitled to. */
export function freePlanEntitlements(freePlan: PlanLimits): EffectiveEntitlements {
  return {
    planId: freePlan.id,
    driveStorageBytes: freePlan.driveStorageBytes,
    parallelDownloads: freePlan.parallelDownloads,
    basis: 'FREE_PLAN',
    graceEndsAt: null,
  };
}

export const DEFAULT_GRACE_PERIOD_DAYS = 14;
const DAY_MS = 86_400_000;

export function resolveEntitlements(
  subscription: PaymentState | null,
  freePlan: PlanLimits,
  now: Date,
  gracePeriodDays: number = DEFAULT_GRACE_PERIOD_DAYS,
  exceptions: AdminExceptions = {},
): EffectiveEntitlements {
  const paid = fromPayments(subscription, freePlan, now, gracePeriodDays, exceptions.graceExtendedUntil ?? null);
  const { grant } = exceptions;
  if (grant && now < grant.until && (paid.basis === 'FREE_PLAN' || paid.basis === 'PAYMENT_LAPSED')) {
    return {
      planId: grant.plan.id,
      driveStorageBytes: grant.plan.driveStorageBytes,
      parallelDownloads: grant.plan.parallelDownloads,
      basis: 'GRANTED',
      graceEndsAt: null,
    };
  }
  return paid;
}

function fromPayments(
  subscription: PaymentState | null,
  freePlan: PlanLimits,
  now: Date,
  gracePeriodDays: number,
  graceExtendedUntil: Date | null,
): EffectiveEntitlements {
  const grant = (plan: PlanLimits, basis: EntitlementBasis, graceEndsAt: Date | null = null) => ({
    planId: plan.id,
    driveStorageBytes: plan.driveStorageBytes,
    parallelDownloads: plan.parallelDownloads,
    basis,
    graceEndsAt,
  });
  if (!subscription) return freePlanEntitlements(freePlan);

  switch (subscription.status) {
    case 'TRIALING':
    case 'ACTIVE':
      return grant(subscription.plan, 'SUBSCRIPTION');
    case 'PAST_DUE': {
      // A missing start means the failure is being recorded now: the grace period starts with it.
      const since = subscription.pastDueSince ?? now;
      const policyEnd = since.getTime() + gracePeriodDays * DAY_MS;
      const graceEndsAt = new Date(Math.max(policyEnd, graceExtendedUntil?.getTime() ?? 0));
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
