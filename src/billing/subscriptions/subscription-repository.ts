import type { PrismaClient, SubscriptionRecord } from '../../db/prisma-types.ts';
import type { Subscription } from './subscription.ts';
import { ENDED_STATUSES } from './subscription-status.ts';

/** The provider's view of a subscription, in our terms, as the sync writes it. */
export type SubscriptionState = Omit<Subscription, 'id' | 'version' | 'createdAt'>;

/** A plan change the provider holds until its invoice is paid (all null when none is pending). */
export type PendingPlanChange = Pick<
  SubscriptionState,
  'pendingPlanId' | 'pendingPriceId' | 'pendingExpiresAt' | 'pendingProviderInvoiceId'
>;

export const NO_PENDING_CHANGE: PendingPlanChange = {
  pendingPlanId: null,
  pendingPriceId: null,
  pendingExpiresAt: null,
  pendingProviderInvoiceId: null,
};

const TRACKED: (keyof SubscriptionState)[] = [
  'planId',
  'priceId',
  'status',
  'currentPeriodStart',
  'currentPeriodEnd',
  'cancelAtPeriodEnd',
  'cancelAt',
  'canceledAt',
  'trialEnd',
  'pastDueSince',
  'pendingPlanId',
  'pendingPriceId',
  'pendingExpiresAt',
  'pendingProviderInvoiceId',
];

export class SubscriptionRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** The live (not ended) subscription of each customer: at most one each, by a unique index. */
  async findLiveByCustomerIds(customerIds: readonly string[]): Promise<Subscription[]> {
    const rows = await this.prisma.subscription.findMany({
      where: { customerId: { in: [...customerIds] }, status: { notIn: [...ENDED_STATUSES] } },
    });
    return rows.map(subscriptionFromRow);
  }

  async findLive(customerId: string): Promise<Subscription | null> {
    return (await this.findLiveByCustomerIds([customerId]))[0] ?? null;
  }

  /** Every subscription of the customer, ended ones included, newest first. */
  async findAllByCustomer(customerId: string): Promise<Subscription[]> {
    const rows = await this.prisma.subscription.findMany({
      where: { customerId },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    });
    return rows.map(subscriptionFromRow);
  }

  async findById(id: string): Promise<Subscription | null> {
    return nullable(await this.prisma.subscription.findUnique({ where: { id } }));
  }

  async findByProviderId(providerSubscriptionId: string): Promise<Subscription | null> {
    return nullable(await this.prisma.subscription.findUnique({ where: { providerSubscriptionId } }));
  }

  /**
   * Writes the provider's state, keyed by the provider's id, so a webhook and the browser's return meet on
   * one row. The version moves only when something changed, so an idle re-sync never causes a CONFLICT.
   */
  /**
   * Null when the row could not be created because the customer has another live subscription (the
   * one-live index): the caller decides what the extra one is, never a retry loop on a missing row.
   */
  async upsert(state: SubscriptionState): Promise<Subscription | null> {
    const existing = await this.findByProviderId(state.providerSubscriptionId);
    if (!existing) {
      await this.prisma.subscription.createMany({ data: [state], skipDuplicates: true });
      return this.findByProviderId(state.providerSubscriptionId);
    }
    const changed = TRACKED.some((field) => !sameValue(existing[field], state[field]));
    if (!changed) return existing;
    return subscriptionFromRow(
      await this.prisma.subscription.update({
        where: { id: existing.id },
        data: { ...state, version: { increment: 1 } },
      }),
    );
  }

  /**
   * Optimistic concurrency: takes the right to change the subscription by moving its version. False when
   * someone else moved it first (the caller answers CONFLICT).
   */
  async claimVersion(id: string, expectedVersion: number): Promise<boolean> {
    const { count } = await this.prisma.subscription.updateMany({
      where: { id, version: expectedVersion },
      data: { version: { increment: 1 } },
    });
    return count === 1;
  }

  /** Undoes a `claimVersion` whose change did not happen, unless something else moved the version since. */
  async releaseVersion(id: string, claimedFrom: number): Promise<void> {
    await this.prisma.subscription.updateMany({
      where: { id, version: claimedFrom + 1 },
      data: { version: claimedFrom },
    });
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return a === b;
}

const nullable = (row: SubscriptionRecord | null) => row && subscriptionFromRow(row);

/** The row in the domain's terms: the one place that knows the columns. */
export function subscriptionFromRow(row: SubscriptionRecord): Subscription {
  return {
    id: row.id,
    customerId: row.customerId,
    planId: row.planId,
    priceId: row.priceId,
    providerSubscriptionId: row.providerSubscriptionId,
    status: row.status,
    currentPeriodStart: row.currentPeriodStart,
    currentPeriodEnd: row.currentPeriodEnd,
    cancelAtPeriodEnd: row.cancelAtPeriodEnd,
    cancelAt: row.cancelAt,
    canceledAt: row.canceledAt,
    trialEnd: row.trialEnd,
    pastDueSince: row.pastDueSince,
    pendingPlanId: row.pendingPlanId,
    pendingPriceId: row.pendingPriceId,
    pendingExpiresAt: row.pendingExpiresAt,
    pendingProviderInvoiceId: row.pendingProviderInvoiceId,
    version: row.version,
    createdAt: row.createdAt,
  };
}
