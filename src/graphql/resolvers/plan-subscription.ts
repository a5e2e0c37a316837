import type { PlanSubscriptionResolvers } from '../../generated/graphql.ts';
import type { Subscription } from '../../billing/subscriptions/subscription.ts';
import type { GraphQLContext } from '../context.ts';
import { money } from './plan.ts';

async function priceOf(subscription: Subscription, context: GraphQLContext) {
  const price = (await context.loaders.planCatalog()).priceById.get(subscription.priceId);
  // The foreign key guarantees the row; its absence would be a broken database.
  if (!price) throw new Error(`subscription ${subscription.id} has no price ${subscription.priceId}`);
  return price;
}

export const PlanSubscription: PlanSubscriptionResolvers = {
  plan: async (subscription, _args, context) => {
    const plan = (await context.loaders.planCatalog()).byId.get(subscription.planId);
    if (!plan) throw new Error(`subscription ${subscription.id} has no plan ${subscription.planId}`);
    return plan;
  },
  interval: async (subscription, _args, context) => (await priceOf(subscription, context)).interval,
  price: async (subscription, _args, context) => money(await priceOf(subscription, context)),
};
