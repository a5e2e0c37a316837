// The admin's part of a customer's full picture: fields only the `admin` role reads (FORBIDDEN, null,
// for anyone else, the owner included).
import type { CustomerResolvers, ProviderEventRecordResolvers } from '../../generated/graphql.ts';
import { requireRole } from '../authorization.ts';
import { fullCustomer } from '../billing-profile.ts';

export const CustomerAdminFields: CustomerResolvers = {
  subscriptionHistory: async (profile, _args, context) => {
    requireRole(context, 'admin');
    const customer = await fullCustomer(profile, context);
    return customer ? context.services.subscriptionHistory(customer.id) : [];
  },
  providerEvents: async (profile, { first }, context) => {
    requireRole(context, 'admin');
    const customer = await fullCustomer(profile, context);
    return context.services.providerEvents.forProviderCustomer(customer?.providerCustomerId ?? null, first ?? 20);
  },
  auditLog: ({ owner }, { first, after }, context) => {
    requireRole(context, 'admin');
    return context.services.audit.page(owner, first ?? 20, after ?? null);
  },
};

export const ProviderEventRecord: ProviderEventRecordResolvers = {
  failed: (event) => event.processedAt === null && event.lastError !== null,
};
