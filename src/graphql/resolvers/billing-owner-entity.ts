// `User` and `Group` are entities of other subgraphs; this one adds `billing` and `unpaidInvoice`.
// Both types resolve the same way, keyed by which kind of owner they are.
import type { BillingOwner } from '../../billing/billing-owner.ts';
import type { GroupResolvers, UserResolvers } from '../../generated/graphql.ts';
import { loadBillingProfile } from '../billing-profile.ts';
import type { GraphQLContext } from '../context.ts';

function ownerEntity(kind: BillingOwner['kind']) {
  return {
    // Every id the gateway sends exists in its own subgraph: no lookup is needed to resolve the reference.
    __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
    billing: ({ id }: { id: string }, _args: unknown, context: GraphQLContext) => loadBillingProfile({ kind, id }, context),
    unpaidInvoice: async ({ id }: { id: string }, _args: unknown, context: GraphQLContext) =>
      (await loadBillingProfile({ kind, id }, context)).customer?.hasUnpaidInvoice ?? false,
  };
}

export const User: UserResolvers = ownerEntity('user');
export const Group: GroupResolvers = ownerEntity('group');
