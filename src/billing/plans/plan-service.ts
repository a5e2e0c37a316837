import type { PlanRecord } from '../../db/prisma-types.ts';
import type { CatalogPlan } from './plan-catalog.ts';
import type { PlanRepository } from './plan-repository.ts';

/** The catalog as one request sees it: loaded once, then looked up in memory. */
export interface PlanCatalogView {
  byId: ReadonlyMap<string, PlanRecord>;
  defaultPlan: PlanRecord;
  onSale: PlanRecord[];
}

export class PlanService {
  constructor(private readonly plans: PlanRepository) {}

  async loadCatalog(): Promise<PlanCatalogView> {
    const all = await this.plans.findAll();
    const defaultPlan = all.find((plan) => plan.isDefault && plan.active);
    // The seed guarantees a default plan; its absence is a broken database, not a client error.
    if (!defaultPlan) throw new Error('the plan catalog has no active default plan');
    const onSale = all.filter((plan) => plan.active);
    onSale.sort((a, b) => Number(b.isDefault) - Number(a.isDefault));
    return { byId: new Map(all.map((plan) => [plan.id, plan])), defaultPlan, onSale };
  }

  /** Seeds the configured catalog on start; plans already in the database are never overwritten. */
  seedCatalog(catalog: readonly CatalogPlan[]): Promise<number> {
    return this.plans.insertMissing(catalog);
  }
}
