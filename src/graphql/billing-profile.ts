import type { BillingOwner } from '../billing/billing-owner.ts';
import type { CustomerRecord } from '../db/prisma-types.ts';
import { requireBillingReader } from './authorization.ts';
import type { GraphQLContext } from './context.ts';

/** A `User` or `Group` entity as this subgraph sees it: only its key. */
export interface OwnerEntityRef {
  id: string;
}

/**
 * What the `Customer` type resolves from: the owner, and its customer row when one exists. An owner
 * without a row is a profile on the free plan; reads never create the row.
 */
export interface BillingProfile {
  owner: BillingOwner;
  customer: CustomerRecord | null;
}

export async function loadBillingProfile(owner: BillingOwner, context: GraphQLContext): Promise<BillingProfile> {
  requireBillingReader(context, owner);
  return { owner, customer: await context.loaders.customerByOwner.load(owner) };
}
