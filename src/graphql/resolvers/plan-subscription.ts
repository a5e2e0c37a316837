import type { PlanSubscriptionResolvers } from '../../generated/graphql.ts';
import type { Subscription } from '../../billing/subscriptions/subscription.ts';
import type { GraphQLContext } from '../context.ts';
import { money } from './plan.ts';

async function priceOf(subscription: Subscription, context: GraphQLContext, priceId = subscription.priceId) {
  const price = (await context.loaders.planCatalog()).priceById.get(priceId);
  // The foreign key guarantees the row; its absence would be a broken database.
  if (!price) throw new Error(`subscription ${subscription.id} has no price ${priceId}`);
  return price;
}

async function planOf(subscription: Subscription, context: GraphQLContext, planId = subscription.planId) {
  const plan = (await context.loaders.planCatalog()).byId.get(planId);
  if (!plan) throw new Error(`subscription ${subscription.id} has no plan ${planId}`);
  return plan;
}

export const PlanSubscription: PlanSubscriptionResolvers = {
  plan: (subscription, _args, context) => planOf(subscription, context),
  interval: async (subscription, _args, context) => (await priceOf(subscription, context)).interval,
  price: async (subscription, _args, context) => money(await priceOf(subscription, context)),
  pendingChange: async (subscription, _args, context) => {
    const { pendingPlanId, pendingPriceId, pendingExpiresAt } = subscription;
    if (!pendingPlanId || !pendingPriceId || !pendingExpiresAt) return null;
    const price = await priceOf(subscription, context, pendingPriceId);
    return {
      plan: await planOf(subscription, context, pendingPlanId),
      interval: price.interval,
      price: money(price),
      expiresAt: pendingExpiresAt,
    };
  },
};
