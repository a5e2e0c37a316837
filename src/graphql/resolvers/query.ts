import type { QueryResolvers } from '../../generated/graphql.ts';
import { invalidInput } from '../../billing/errors.ts';
import { ownerOf } from '../../billing/customers/customer-service.ts';
import { actingOwner, ownerFrom, requireBillingReader, requireViewer } from '../authorization.ts';
import { loadBillingProfile } from '../billing-profile.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
  previewPlanChange: (_root, { planId, interval, groupId }, context) =>
    context.services.subscriptions.previewPlanChange(actingOwner(context, groupId), planId, interval),
};
