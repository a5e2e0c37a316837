// The admin's part of a customer's full picture: fields only the `admin` role reads (FORBIDDEN, null,
// for anyone else, the owner included).
import type { CustomerResolvers, ProviderEventRecordResolvers } from '../../generated/graphql.ts';
import { requireRole } from '../authorization.ts';

export const CustomerAdminFields: CustomerResolvers = {
  subscriptionHistory: ({ customer }, _args, context) => {
    requireRole(context, 'admin');
    return customer ? context.services.subscriptionHistory(customer.id) : [];
  },
  providerEvents: ({ customer }, { first }, context) => {
    requireRole(context, 'admin');
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
