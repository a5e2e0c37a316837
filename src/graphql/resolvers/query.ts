import type { QueryResolvers } from '../../generated/graphql.ts';
import { requireUuid } from '../../billing/errors.ts';
import { requirePlanId } from '../../billing/input-ids.ts';
import { ownerOf } from '../../billing/billing-owner.ts';
import { actingOwner, ownerFrom, requirePersonalBillingReader, requireRole, requireViewer } from '../authorization.ts';
import { vatReportView } from '../vat-report.ts';
import { loadBillingProfile } from '../billing-profile.ts';

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
    const viewer = requireViewer(context);
    const invoice = await context.services.invoices.findById(requireUuid(id, 'id'));
    const customer = invoice && (await context.services.customers.findById(invoice.customerId));
    if (!invoice || !customer) return null;
    const owner = ownerOf(customer);
    // A closed customer's invoices stay legal records: admins still read them, nobody else.
    if (!owner) return viewer.roles.includes('admin') ? invoice : null;
    requirePersonalBillingReader(context, owner);
    return invoice;
  },
  vatReport: async (_root, { quarter }, context) => {
    requireRole(context, 'admin');
    return vatReportView(await context.services.vatReports.quarter(quarter));
  },
  previewPlanChange: (_root, { planId, interval, groupId }, context) =>
    context.services.subscriptions.previewPlanChange(actingOwner(context, groupId), requirePlanId(planId), interval),
  auditLog: (_root, { owner, first, after }, context) => {
    requireRole(context, 'admin');
    return context.services.audit.page(owner ? ownerFrom(owner) : null, first ?? 20, after ?? null);
  },
};
