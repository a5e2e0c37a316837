import type { PlanPriceRecord, PlanRecord, PrismaClient } from '../../db/prisma-types.ts';
import type { CatalogPlan, CatalogPrice } from './plan-catalog.ts';
import type { Plan, PlanPrice } from './plan.ts';

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
  async findAll(): Promise<Plan[]> {
    return (await this.prisma.plan.findMany({ orderBy: [{ sortOrder: 'asc' }, { id: 'asc' }] })).map(planFromRow);
  }

  async findAllPrices(): Promise<PlanPrice[]> {
    return (await this.prisma.planPrice.findMany({ orderBy: [{ interval: 'asc' }, { currency: 'asc' }] })).map(
      planPriceFromRow,
    );
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

  async findById(id: string): Promise<Plan | null> {
    const row = await this.prisma.plan.findUnique({ where: { id } });
    return row && planFromRow(row);
  }

  /** A new plan, on sale, after the others. Throws a unique violation when the id is taken. */
  async create(plan: NewPlan): Promise<Plan> {
    const last = await this.prisma.plan.aggregate({ _max: { sortOrder: true } });
    const row = await this.prisma.plan.create({
      data: {
        id: plan.id,
        name: plan.name,
        driveStorageBytes: plan.driveStorageBytes,
        parallelDownloads: plan.parallelDownloads,
        sortOrder: (last._max.sortOrder ?? 0) + 1,
        prices: { create: plan.prices.map((price) => ({ ...price })) },
      },
    });
    return planFromRow(row);
  }

  /**
   * Changes a plan and, in the same transaction, the entitlements of every customer whose entitlements
   * come from it (those rows hold a copy for the hot path).
   */
  async update(id: string, changes: PlanChanges): Promise<Plan> {
    const row = await this.prisma.$transaction(async (tx) => {
      const plan = await tx.plan.update({ where: { id }, data: changes });
      if (changes.driveStorageBytes !== undefined || changes.parallelDownloads !== undefined) {
        await tx.customer.updateMany({
          where: { planId: id },
          data: { driveStorageBytes: plan.driveStorageBytes, parallelDownloads: plan.parallelDownloads },
        });
      }
      return plan;
    });
    return planFromRow(row);
  }

  /**
   * Replaces the active price of (plan, interval, currency): the old row stays, inactive, for the
   * subscriptions sold at it. Two concurrent replacements: the partial unique index lets one win.
   */
  async replacePrice(
    planId: string,
    price: CatalogPrice & { id: string; providerPriceId: string },
  ): Promise<{ price: PlanPrice; previous: PlanPrice | null }> {
    const replaced = await this.prisma.$transaction(async (tx) => {
      const previous = await tx.planPrice.findFirst({
        where: { planId, interval: price.interval, currency: price.currency, active: true },
      });
      if (previous) await tx.planPrice.update({ where: { id: previous.id }, data: { active: false } });
      const created = await tx.planPrice.create({ data: { ...price, planId } });
      return { price: created, previous };
    });
    return {
      price: planPriceFromRow(replaced.price),
      previous: replaced.previous && planPriceFromRow(replaced.previous),
    };
  }

  countLiveSubscriptionsOnPrice(priceId: string): Promise<number> {
    return this.prisma.subscription.count({
      where: { priceId, status: { notIn: ['CANCELED', 'INCOMPLETE_EXPIRED'] } },
    });
  }

  async archive(id: string): Promise<Plan> {
    return planFromRow(await this.prisma.plan.update({ where: { id }, data: { active: false } }));
  }
}

/** The rows in the domain's terms: the one place that knows the columns. */
export function planFromRow(row: PlanRecord): Plan {
  return {
    id: row.id,
    name: row.name,
    driveStorageBytes: row.driveStorageBytes,
    parallelDownloads: row.parallelDownloads,
    isDefault: row.isDefault,
    active: row.active,
    sortOrder: row.sortOrder,
    providerProductId: row.providerProductId,
  };
}

export function planPriceFromRow(row: PlanPriceRecord): PlanPrice {
  return {
    id: row.id,
    planId: row.planId,
    interval: row.interval,
    amount: row.amount,
    currency: row.currency,
    providerPriceId: row.providerPriceId,
    active: row.active,
  };
}
