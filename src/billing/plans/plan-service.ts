import type { PlanPriceRecord, PlanRecord } from '../../db/prisma-types.ts';
import type { CatalogPlan } from './plan-catalog.ts';
import type { PlanRepository } from './plan-repository.ts';

/** The whole catalog, looked up in memory: it is small and read by nearly every request. */
export interface PlanCatalogView {
  byId: ReadonlyMap<string, PlanRecord>;
  defaultPlan: PlanRecord;
  /** Active plans, the free default first. */
  onSale: PlanRecord[];
  /** Active prices of each plan. */
  pricesByPlanId: ReadonlyMap<string, PlanPriceRecord[]>;
  /** Every price, archived ones included: a subscription keeps the price it was sold at. */
  priceById: ReadonlyMap<string, PlanPriceRecord>;
}

export interface PlanCatalogCacheOptions {
  ttlMs: number;
  now?: () => number;
}

export class PlanService {
  private cached: { view: Promise<PlanCatalogView>; expiresAt: number } | null = null;
  private readonly now: () => number;

  constructor(
    private readonly plans: PlanRepository,
    private readonly cacheOptions: PlanCatalogCacheOptions,
  ) {
    this.now = cacheOptions.now ?? Date.now;
  }

  /** Served from memory; reloaded after the TTL or as soon as a change to the catalog is notified. */
  catalog(): Promise<PlanCatalogView> {
    if (this.cached && this.cached.expiresAt > this.now()) return this.cached.view;
    const entry = { view: this.load(), expiresAt: this.now() + this.cacheOptions.ttlMs };
    this.cached = entry;
    // A failed load is not kept: the next request tries again.
    entry.view.catch(() => {
      if (this.cached === entry) this.cached = null;
    });
    return entry.view;
  }

  invalidateCatalog(): void {
    this.cached = null;
  }

  /** Seeds the configured catalog on start; plans already in the database are never overwritten. */
  seedCatalog(catalog: readonly CatalogPlan[]): Promise<number> {
    return this.plans.insertMissing(catalog);
  }

  private async load(): Promise<PlanCatalogView> {
    const [all, prices] = await Promise.all([this.plans.findAll(), this.plans.findAllPrices()]);
    const defaultPlan = all.find((plan) => plan.isDefault && plan.active);
    // The seed guarantees a default plan; its absence is a broken database, not a client error.
    if (!defaultPlan) throw new Error('the plan catalog has no active default plan');
    const onSale = all.filter((plan) => plan.active);
    onSale.sort((a, b) => Number(b.isDefault) - Number(a.isDefault));
    const pricesByPlanId = new Map<string, PlanPriceRecord[]>(all.map((plan) => [plan.id, []]));
    for (const price of prices) if (price.active) pricesByPlanId.get(price.planId)?.push(price);
    return {
      byId: new Map(all.map((plan) => [plan.id, plan])),
      defaultPlan,
      onSale,
      pricesByPlanId,
      priceById: new Map(prices.map((price) => [price.id, price])),
    };
  }
}
