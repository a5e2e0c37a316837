import { resolveEntitlements, type PlanLimits } from '../../src/billing/entitlements/entitlement-policy';
import type { SubscriptionStatus } from '../../src/billing/subscriptions/subscription-status';

const free: PlanLimits = { id: 'free', driveStorageBytes: 100_000_000n, parallelDownloads: 4 };
const pro: PlanLimits = { id: 'pro', driveStorageBytes: 400_000_000_000n, parallelDownloads: 16 };
const now = new Date('2026-11-24T12:00:00Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);
const on = (status: SubscriptionStatus, pastDueSince: Date | null = null) => ({ status, plan: pro, pastDueSince });

describe('the entitlement policy', () => {
  it('gives the free plan to an owner without a subscription', () => {
    expect(resolveEntitlements(null, free, now)).toEqual({
      planId: 'free',
      driveStorageBytes: 100_000_000n,
      parallelDownloads: 4,
      basis: 'FREE_PLAN',
      graceEndsAt: null,
    });
  });

  it.each(['TRIALING', 'ACTIVE'] as const)("gives a %s subscription its plan's entitlements", (status) => {
    expect(resolveEntitlements(on(status), free, now)).toMatchObject({
      planId: 'pro',
      driveStorageBytes: 400_000_000_000n,
      basis: 'SUBSCRIPTION',
    });
  });

  it('keeps the plan during the grace period after a failed payment, and says until when', () => {
    expect(resolveEntitlements(on('PAST_DUE', daysAgo(3)), free, now)).toEqual({
      planId: 'pro',
      driveStorageBytes: 400_000_000_000n,
      parallelDownloads: 16,
      basis: 'GRACE_PERIOD',
      graceEndsAt: new Date('2026-12-05T12:00:00Z'),
    });
  });

  it('falls back to the free plan once the grace period is over', () => {
    expect(resolveEntitlements(on('PAST_DUE', daysAgo(14)), free, now)).toMatchObject({
      planId: 'free',
      basis: 'PAYMENT_LAPSED',
      graceEndsAt: null,
    });
  });

  it('honours a configured grace period', () => {
    expect(resolveEntitlements(on('PAST_DUE', daysAgo(3)), free, now, 2)).toMatchObject({
      planId: 'free',
      basis: 'PAYMENT_LAPSED',
    });
    expect(resolveEntitlements(on('PAST_DUE', daysAgo(3)), free, now, 30)).toMatchObject({
      planId: 'pro',
      basis: 'GRACE_PERIOD',
    });
  });

  it('starts the grace period now when the failure has no recorded start', () => {
    expect(resolveEntitlements(on('PAST_DUE'), free, now)).toMatchObject({
      basis: 'GRACE_PERIOD',
      graceEndsAt: new Date('2026-12-08T12:00:00Z'),
    });
  });

  it('gives the free plan to an unpaid subscription, as a lapse', () => {
    expect(resolveEntitlements(on('UNPAID', daysAgo(30)), free, now)).toMatchObject({
      planId: 'free',
      basis: 'PAYMENT_LAPSED',
    });
  });

  it.each(['CANCELED', 'INCOMPLETE', 'INCOMPLETE_EXPIRED', 'PAUSED'] as const)(
    'gives the free plan to a %s subscription',
    (status) => {
      expect(resolveEntitlements(on(status), free, now)).toMatchObject({ planId: 'free', basis: 'FREE_PLAN' });
    },
  );

  describe("with an admin's exceptions", () => {
    const inDays = (days: number) => new Date(now.getTime() + days * 86_400_000);

    it('keeps the plan until an extended grace end, never shortening the policy one', () => {
      expect(
        resolveEntitlements(on('PAST_DUE', daysAgo(20)), free, now, 14, { graceExtendedUntil: inDays(3) }),
      ).toMatchObject({ planId: 'pro', basis: 'GRACE_PERIOD', graceEndsAt: inDays(3) });
      expect(
        resolveEntitlements(on('PAST_DUE', daysAgo(1)), free, now, 14, { graceExtendedUntil: inDays(2) }),
      ).toMatchObject({ basis: 'GRACE_PERIOD', graceEndsAt: inDays(13) });
      expect(
        resolveEntitlements(on('PAST_DUE', daysAgo(20)), free, now, 14, { graceExtendedUntil: daysAgo(1) }),
      ).toMatchObject({ planId: 'free', basis: 'PAYMENT_LAPSED' });
      expect(resolveEntitlements(on('UNPAID'), free, now, 14, { graceExtendedUntil: inDays(3) })).toMatchObject({
        basis: 'PAYMENT_LAPSED',
      });
    });

    it('grants a plan until its date when no paid subscription applies', () => {
      const grant = { plan: pro, until: inDays(10) };
      expect(resolveEntitlements(null, free, now, 14, { grant })).toEqual({
        planId: 'pro',
        driveStorageBytes: 400_000_000_000n,
        parallelDownloads: 16,
        basis: 'GRANTED',
        graceEndsAt: null,
      });
      expect(resolveEntitlements(on('UNPAID'), free, now, 14, { grant })).toMatchObject({ basis: 'GRANTED' });
      expect(
        resolveEntitlements(on('ACTIVE'), free, now, 14, { grant: { plan: free, until: inDays(10) } }),
      ).toMatchObject({ planId: 'pro', basis: 'SUBSCRIPTION' });
      expect(resolveEntitlements(null, free, now, 14, { grant: { plan: pro, until: now } })).toMatchObject({
        planId: 'free',
        basis: 'FREE_PLAN',
      });
    });
  });
});
