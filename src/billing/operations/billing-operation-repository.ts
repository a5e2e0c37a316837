import type { BillingOperationKind, BillingOperationStatus } from '../../generated/prisma/client.ts';
import type { PrismaClient } from '../../db/prisma-types.ts';

export type { BillingOperationKind };

export interface BillingOperationRecord {
  id: string;
  customerId: string;
  kind: BillingOperationKind;
  status: BillingOperationStatus;
  providerObjectId: string | null;
  detail: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

export class BillingOperationRepository {
  constructor(private readonly prisma: PrismaClient) {}

  start(customerId: string, kind: BillingOperationKind): Promise<BillingOperationRecord> {
    return this.prisma.billingOperation.create({ data: { customerId, kind } });
  }

  async finish(id: string, status: 'SUCCEEDED' | 'FAILED', detail: string | null = null): Promise<void> {
    await this.prisma.billingOperation.update({ where: { id }, data: { status, detail, finishedAt: new Date() } });
  }

  /** The customer's latest operation of this kind before `beforeId`, if any. */
  latest(customerId: string, kind: BillingOperationKind, exceptId: string): Promise<BillingOperationRecord | null> {
    return this.prisma.billingOperation.findFirst({
      where: { customerId, kind, NOT: { id: exceptId } },
      orderBy: { createdAt: 'desc' },
    });
  }

  /** A finished record of something the sync did on its own (orphans), for admins. */
  async record(
    customerId: string,
    kind: BillingOperationKind,
    providerObjectId: string,
    detail: string,
  ): Promise<void> {
    await this.prisma.billingOperation.create({
      data: { customerId, kind, providerObjectId, detail, status: 'SUCCEEDED', finishedAt: new Date() },
    });
  }
}
