import type { Plan, PlanPrice } from './plan.ts';
import type { CatalogPlan } from './plan-catalog.ts';
import type { PlanRepository } from './plan-repository.ts';

/** The whole catalog, looked up in memory: it is small and read by nearly every request. */
export interface PlanCatalogView {
  byId: ReadonlyMap<string, Plan>;
  defaultPlan: Plan;
  /** Active plans, the free default first. */
  onSale: Plan[];
  /** Active prices of each plan. */
  pricesByPlanId: ReadonlyMap<string, PlanPrice[]>;
  /** Every price, archived ones included: a subscription keeps the price it was sold at. */
  priceById: ReadonlyMap<string, PlanPrice>;
  /** Prices mirrored to the payment provider, by the provider's price id. */
  priceByProviderId: ReadonlyMap<string, PlanPrice>;
}

export interface PlanCatalogCacheOptions {
  ttlMs: number;
  now?: () => number;
}

export class PlanService {
  private cached: { view: Promise<PlanCatalogView>; loaded?: PlanCatalogView; expiresAt: number } | null = null;
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
    const entry: { view: Promise<PlanCatalogView>; loaded?: PlanCatalogView; expiresAt: number } = {
      view: this.load(),
      expiresAt: this.now() + this.cacheOptions.ttlMs,
    };
    this.cached = entry;
    void entry.view.then(
      (view) => {
        entry.loaded = view;
      },
      () => undefined,
    );
    // A failed load is not kept: the next request tries again.
    entry.view.catch(() => {
      if (this.cached === entry) this.cached = null;
    });
    return entry.view;
  }

  /** The catalog when it is in memory and fresh, without waiting: lets the hot path resolve synchronously. */
  loadedCatalog(): PlanCatalogView | undefined {
    return this.cached && this.cached.expiresAt > this.now() ? this.cached.loaded : undefined;
  }

  invalidateCatalog(): void {
    this.cached = null;
  }

  /** Active price of a plan for an interval (the catalog's currency), or null when the plan is not sold so. */
  async priceFor(planId: string, interval: 'MONTH' | 'YEAR'): Promise<{ plan: Plan; price: PlanPrice } | null> {
    const catalog = await this.catalog();
    const plan = catalog.byId.get(planId);
    const price = catalog.pricesByPlanId.get(planId)?.find((candidate) => candidate.interval === interval);
    return plan && plan.active && price ? { plan, price } : null;
  }

  /** The provider's price id for one of ours, mirroring plan and price to the provider the first time. */
  async providerPriceId(
    plan: Plan,
    price: PlanPrice,
    mirror: (plan: Plan, price: PlanPrice) => Promise<string>,
  ): Promise<string> {
    if (price.providerPriceId) return price.providerPriceId;
    const providerPriceId = await mirror(plan, price);
    await this.plans.setProviderPriceId(price.id, providerPriceId);
    this.invalidateCatalog();
    return providerPriceId;
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
    const pricesByPlanId = new Map<string, PlanPrice[]>(all.map((plan) => [plan.id, []]));
    for (const price of prices) if (price.active) pricesByPlanId.get(price.planId)?.push(price);
    return {
      byId: new Map(all.map((plan) => [plan.id, plan])),
      defaultPlan,
      onSale,
      pricesByPlanId,
      priceById: new Map(prices.map((price) => [price.id, price])),
      priceByProviderId: new Map(
        prices.flatMap((price) => (price.providerPriceId ? [[price.providerPriceId, price]] : [])),
      ),
    };
  }
}
