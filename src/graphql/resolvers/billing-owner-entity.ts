// `User` and `Group` are entities of other subgraphs; this one adds `billing` and `unpaidInvoice`.
// Both types resolve the same way, keyed by which kind of owner they are. From the customer projection
// they resolve without a promise: the gateway's `_entities` for 100 users costs no await per field.
import type { BillingOwner } from '../../billing/billing-owner.ts';
import type { GroupResolvers, UserResolvers } from '../../generated/graphql.ts';
import { loadBillingProfile, then } from '../billing-profile.ts';
import type { GraphQLContext } from '../context.ts';

function ownerEntity(kind: BillingOwner['kind']) {
  return {
    // Every id the gateway sends exists in its own subgraph: no lookup is needed to resolve the reference.
    __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
    billing: ({ id }: { id: string }, _args: unknown, context: GraphQLContext) =>
      loadBillingProfile({ kind, id }, context),
    unpaidInvoice: ({ id }: { id: string }, _args: unknown, context: GraphQLContext) =>
      then(loadBillingProfile({ kind, id }, context), (profile) => profile.state?.hasUnpaidInvoice ?? false),
  };
}

export const User: UserResolvers = ownerEntity('user');
export const Group: GroupResolvers = ownerEntity('group');
