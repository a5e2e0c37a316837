import type { QueryResolvers } from '../../generated/graphql.ts';
import { invalidInput } from '../../billing/errors.ts';
import type { BillingOwner } from '../../billing/billing-owner.ts';
import { ownerOf } from '../../billing/customers/customer-service.ts';
import { requireBillingReader, requireViewer } from '../authorization.ts';
import { loadBillingProfile } from '../billing-profile.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function ownerFrom(input: { userId?: string | null; groupId?: string | null }): BillingOwner {
  if (input.userId && !input.groupId) return { kind: 'user', id: input.userId };
  if (input.groupId && !input.userId) return { kind: 'group', id: input.groupId };
  throw invalidInput('give exactly one of `userId` and `groupId`', 'owner');
}

export const Query: QueryResolvers = {
  plans: async (_root, _args, context) => {
    requireViewer(context);
    return (await context.loaders.planCatalog()).onSale;
  },
  plan: async (_root, { id }, context) => {
    requireViewer(context);
    return (await context.loaders.planCatalog()).byId.get(id) ?? null;
  },
  billingProfile: (_root, { owner }, context) => loadBillingProfile(ownerFrom(owner), context),
  invoice: async (_root, { id }, context) => {
    requireViewer(context);
    if (!UUID.test(id)) throw invalidInput('`id` is not an invoice id', 'id');
    const invoice = await context.services.invoices.findById(id);
    if (!invoice) return null;
    const customer = await context.services.customers.findById(invoice.customerId);
    if (!customer) return null;
    requireBillingReader(context, ownerOf(customer));
    return invoice;
  },
};
