import type { PlanPriceResolvers, PlanResolvers } from '../../generated/graphql.ts';
import type { PlanPrice as PlanPriceModel } from '../../billing/plans/plan.ts';
import type { BillingInterval } from '../../billing/money.ts';
import type { GraphQLContext } from '../context.ts';

export const money = (price: PlanPriceModel) => ({ amount: price.amount, currency: price.currency });

async function pricesOf(planId: string, context: GraphQLContext): Promise<PlanPriceModel[]> {
  return (await context.loaders.planCatalog()).pricesByPlanId.get(planId) ?? [];
}

async function priceFor(planId: string, interval: BillingInterval, context: GraphQLContext) {
  const price = (await pricesOf(planId, context)).find((candidate) => candidate.interval === interval);
  return price ? money(price) : null;
}

export const Plan: PlanResolvers = {
  driveStorage: (plan) => plan.driveStorageBytes,
  onSale: (plan) => plan.active,
  prices: (plan, _args, context) => pricesOf(plan.id, context),
  monthlyPrice: (plan, _args, context) => priceFor(plan.id, 'MONTH', context),
  yearlyPrice: (plan, _args, context) => priceFor(plan.id, 'YEAR', context),
};

export const PlanPrice: PlanPriceResolvers = {
  price: money,
};
