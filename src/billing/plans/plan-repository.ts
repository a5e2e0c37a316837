import type { PlanPriceRecord, PlanRecord, PrismaClient } from '../../db/prisma-types.ts';
import type { CatalogPlan } from './plan-catalog.ts';

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
}
