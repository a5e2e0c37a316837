import type { PlanPriceResolvers, PlanResolvers } from '../../generated/graphql.ts';
import type { PlanPriceRecord } from '../../db/prisma-types.ts';
import type { BillingInterval } from '../../billing/money.ts';
import type { BillingLoaders } from '../loaders.ts';

export const money = (price: PlanPriceRecord) => ({ amount: price.amount, currency: price.currency });

async function priceFor(planId: string, interval: BillingInterval, loaders: BillingLoaders) {
  const price = (await loaders.pricesByPlanId.load(planId)).find((candidate) => candidate.interval === interval);
  return price ? money(price) : null;
}

export const Plan: PlanResolvers = {
  driveStorage: (plan) => plan.driveStorageBytes,
  prices: (plan, _args, context) => context.loaders.pricesByPlanId.load(plan.id),
  monthlyPrice: (plan, _args, context) => priceFor(plan.id, 'MONTH', context.loaders),
  yearlyPrice: (plan, _args, context) => priceFor(plan.id, 'YEAR', context.loaders),
};

export const PlanPrice: PlanPriceResolvers = {
  price: money,
};
