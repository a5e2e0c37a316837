import type { PrismaClient, SubscriptionRecord } from '../../db/prisma-types.ts';
import { ENDED_STATUSES } from './subscription-status.ts';

export class SubscriptionRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** The live (not ended) subscription of each customer: at most one each, by a unique index. */
  findLiveByCustomerIds(customerIds: readonly string[]): Promise<SubscriptionRecord[]> {
    return this.prisma.subscription.findMany({
      where: { customerId: { in: [...customerIds] }, status: { notIn: [...ENDED_STATUSES] } },
    });
  }
}
