import type { QueryResolvers } from '../../generated/graphql.ts';
import { requireUuid } from '../../billing/errors.ts';
import { requirePlanId } from '../../billing/input-ids.ts';
import { actingOwner, ownerFrom, readableInvoice, requireRole, requireViewer } from '../authorization.ts';
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
    requireViewer(context);
    return readableInvoice(context, await context.services.invoices.findOwned(requireUuid(id, 'id')));
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
