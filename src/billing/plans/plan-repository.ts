import type { PlanPriceRecord, PlanRecord, PrismaClient } from '../../db/prisma-types.ts';
import type { CatalogPlan, CatalogPrice } from './plan-catalog.ts';

/** Prisma's code for a unique constraint violation. */
const UNIQUE_VIOLATION = 'P2002';

export const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === UNIQUE_VIOLATION;

export interface NewPlan {
  id: string;
  name: string;
  driveStorageBytes: bigint;
  parallelDownloads: number;
  prices: (CatalogPrice & { id: string; providerPriceId: string })[];
}

export interface PlanChanges {
  name?: string;
  driveStorageBytes?: bigint;
  parallelDownloads?: number;
}

export class PlanRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** The whole catalog, archived plans included (a customer may still be on one), in display order. */
  findAll(): Promise<PlanRecord[]> {
    return this.prisma.plan.findMany({ orderBy: [{ sortOrder: 'asc' }, { id: 'asc' }] });
  }

  findAllPrices(): Promise<PlanPriceRecord[]> {
    return this.prisma.planPrice.findMany({ orderBy: [{ interval: 'asc' }, { currency: 'asc' }] });
  }

  async setProviderPriceId(id: string, providerPriceId: string): Promise<void> {
    await this.prisma.planPrice.update({ where: { id }, data: { providerPriceId } });
  }

  /** Creates the plans and prices of `catalog` that do not exist yet; existing rows are left as they are. */
  async insertMissing(catalog: readonly CatalogPlan[]): Promise<number> {
    return this.prisma.$transaction(async (tx) => {
      const existing = new Set((await tx.plan.findMany({ select: { id: true } })).map((plan) => plan.id));
      const missing = catalog.filter((plan) => !existing.has(plan.id));
      for (const [index, plan] of catalog.entries()) {
        if (existing.has(plan.id)) continue;
        await tx.plan.create({
          data: {
            id: plan.id,
            name: plan.name,
            driveStorageBytes: plan.driveStorageBytes,
            parallelDownloads: plan.parallelDownloads,
            isDefault: plan.isDefault,
            sortOrder: index,
            prices: { create: plan.prices.map((price) => ({ ...price })) },
          },
        });
      }
      return missing.length;
    });
  }

  findById(id: string): Promise<PlanRecord | null> {
    return this.prisma.plan.findUnique({ where: { id } });
  }

  /** A new plan, on sale, after the others. Throws a unique violation when the id is taken. */
  async create(plan: NewPlan): Promise<PlanRecord> {
    const last = await this.prisma.plan.aggregate({ _max: { sortOrder: true } });
    return this.prisma.plan.create({
      data: {
        id: plan.id,
        name: plan.name,
        driveStorageBytes: plan.driveStorageBytes,
        parallelDownloads: plan.parallelDownloads,
        sortOrder: (last._max.sortOrder ?? 0) + 1,
        prices: { create: plan.prices.map((price) => ({ ...price })) },
      },
    });
  }

  /**
   * Changes a plan and, in the same transaction, the entitlements of every customer whose entitlements
   * come from it (those rows hold a copy for the hot path).
   */
  update(id: string, changes: PlanChanges): Promise<PlanRecord> {
    return this.prisma.$transaction(async (tx) => {
      const plan = await tx.plan.update({ where: { id }, data: changes });
      if (changes.driveStorageBytes !== undefined || changes.parallelDownloads !== undefined) {
        await tx.customer.updateMany({
          where: { planId: id },
          data: { driveStorageBytes: plan.driveStorageBytes, parallelDownloads: plan.parallelDownloads },
        });
      }
      return plan;
    });
  }

  /**
   * Replaces the active price of (plan, interval, currency): the old row stays, inactive, for the
   * subscriptions sold at it. Two concurrent replacements: the partial unique index lets one win.
   */
  replacePrice(planId: string, price: CatalogPrice & { id: string; providerPriceId: string }): Promise<{ price: PlanPriceRecord; previous: PlanPriceRecord | null }> {
    return this.prisma.$transaction(async (tx) => {
      const previous = await tx.planPrice.findFirst({ where: { planId, interval: price.interval, currency: price.currency, active: true } });
      if (previous) await tx.planPrice.update({ where: { id: previous.id }, data: { active: false } });
      const created = await tx.planPrice.create({ data: { ...price, planId } });
      return { price: created, previous };
    });
  }

  countLiveSubscriptionsOnPrice(priceId: string): Promise<number> {
    return this.prisma.subscription.count({ where: { priceId, status: { notIn: ['CANCELED', 'INCOMPLETE_EXPIRED'] } } });
  }

  archive(id: string): Promise<PlanRecord> {
    return this.prisma.plan.update({ where: { id }, data: { active: false } });
  }
}
