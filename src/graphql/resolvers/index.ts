import type { Resolvers } from '../../generated/graphql.ts';
import { BytesScalar, DateTimeScalar } from '../scalars.ts';
import { Group, User } from './billing-owner-entity.ts';
import { Customer, Entitlements, LegalIdentity, StorageUsage } from './customer.ts';
import { Invoice, InvoiceConnection, InvoiceLine } from './invoice.ts';
import { Plan, PlanPrice } from './plan.ts';
import { PlanSubscription } from './plan-subscription.ts';
import { Query } from './query.ts';

export const resolvers: Resolvers = {
  Bytes: BytesScalar,
  DateTime: DateTimeScalar,
  Query,
  User,
  Group,
  Customer,
  Entitlements,
  StorageUsage,
  LegalIdentity,
  Plan,
  PlanPrice,
  PlanSubscription,
  Invoice,
  InvoiceLine,
  InvoiceConnection,
};
