// Admin outcomes -> GraphQL result types, as mutation-results.ts does for the web app's.
import type { CatalogRefusal, PlanSaved, PriceSet } from '../billing/plans/plan-catalog-admin.ts';

const refused = (o: CatalogRefusal) => ({ __typename: 'CatalogChangeRefused' as const, code: o.code, message: o.message });

export function planCatalogResult(o: PlanSaved | CatalogRefusal) {
  return o.kind === 'plan_saved' ? { __typename: 'PlanSaved' as const, plan: o.plan } : refused(o);
}

export function setPlanPriceResult(o: PriceSet | CatalogRefusal) {
  return o.kind === 'price_set'
    ? { __typename: 'PlanPriceSet' as const, plan: o.plan, price: o.price, previousPrice: o.previous, subscribersOnPreviousPrice: o.subscribersOnPreviousPrice }
    : refused(o);
}
