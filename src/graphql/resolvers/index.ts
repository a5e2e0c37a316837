import type { Resolvers } from '../../generated/graphql.ts';
import { BytesScalar, DateTimeScalar } from '../scalars.ts';
import { AuditEntry, AuditLogConnection } from './audit-entry.ts';
import { CustomerAdminFields, ProviderEventRecord } from './customer-admin-fields.ts';
import { Group, User } from './billing-owner-entity.ts';
import { Customer, Entitlements, LegalIdentity, StorageUsage } from './customer.ts';
import { Invoice, InvoiceConnection, InvoiceLine, PlanChangePreview } from './invoice.ts';
import { AdminMutation } from './admin-mutation.ts';
import {
  AdminQuery,
  CustomerSearchConnection,
  CustomerSearchEdge,
  InvoiceListing,
  InvoiceTotals,
} from './admin-query.ts';
import { Mutation } from './mutation.ts';
import { Plan, PlanPrice } from './plan.ts';
import { PlanSubscription } from './plan-subscription.ts';
import { Query } from './query.ts';

export const resolvers: Resolvers = {
  Bytes: BytesScalar,
  DateTime: DateTimeScalar,
  Query: { ...Query, ...AdminQuery },
  Mutation: { ...Mutation, ...AdminMutation },
  User,
  Group,
  Customer: { ...Customer, ...CustomerAdminFields },
  Entitlements,
  StorageUsage,
  LegalIdentity,
  Plan,
  PlanPrice,
  PlanSubscription,
  Invoice,
  InvoiceLine,
  InvoiceConnection,
  PlanChangePreview,
  AuditEntry,
  AuditLogConnection,
  CustomerSearchConnection,
  CustomerSearchEdge,
  InvoiceListing,
  InvoiceTotals,
  ProviderEventRecord,
};
