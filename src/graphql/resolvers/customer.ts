import type { CustomerResolvers, EntitlementsResolvers, LegalIdentityResolvers, StorageUsageResolvers } from '../../generated/graphql.ts';
import { IDENTITY_FIELDS } from '../../billing/customers/customer-repository.ts';
import type { BillingProfile } from '../billing-profile.ts';
import type { GraphQLContext } from '../context.ts';
import { postalAddress } from '../postal-address.ts';
import { requirePersonalBillingReader } from '../authorization.ts';

async function entitlements({ customer }: BillingProfile, context: GraphQLContext) {
  if (customer) return customer;
  const { defaultPlan } = await context.loaders.planCatalog();
  return { driveStorageBytes: defaultPlan.driveStorageBytes, parallelDownloads: defaultPlan.parallelDownloads, entitlementBasis: 'FREE_PLAN' as const, graceEndsAt: null };
}

export const Customer: CustomerResolvers = {
  id: ({ owner }) => `${owner.kind === 'user' ? 'User' : 'Group'}:${owner.id}`,
  owner: ({ owner }) => ({ __typename: owner.kind === 'user' ? 'User' : 'Group', id: owner.id }),
  legalIdentity: ({ owner, customer }, _args, context) => {
    requirePersonalBillingReader(context, owner);
    return customer && IDENTITY_FIELDS.some((field) => customer[field] !== null) ? customer : null;
  },
  plan: async ({ customer }, _args, context) => {
    const catalog = await context.loaders.planCatalog();
    return (customer && catalog.byId.get(customer.planId)) || catalog.defaultPlan;
  },
  entitlements: (profile) => profile,
  usage: (profile) => profile,
  subscription: ({ customer }, _args, context) =>
    customer ? context.loaders.liveSubscriptionByCustomerId.load(customer.id) : null,
  paymentMethods: ({ owner, customer }, _args, context) => {
    requirePersonalBillingReader(context, owner);
    return customer ? context.loaders.paymentMethodsByCustomerId.load(customer.id) : [];
  },
  invoices: ({ owner, customer }, { first, after }, context) => {
    requirePersonalBillingReader(context, owner);
    return context.services.invoices.listForCustomer(customer?.id ?? null, first ?? 20, after ?? null);
  },
  unpaidInvoice: ({ customer }) => customer?.hasUnpaidInvoice ?? false,
  createdAt: ({ customer }) => customer?.createdAt ?? null,
};

export const Entitlements: EntitlementsResolvers = {
  driveStorage: async (profile, _args, context) => (await entitlements(profile, context)).driveStorageBytes,
  parallelDownloads: async (profile, _args, context) => (await entitlements(profile, context)).parallelDownloads,
  basis: async (profile, _args, context) => (await entitlements(profile, context)).entitlementBasis,
  graceEndsAt: async (profile, _args, context) => (await entitlements(profile, context)).graceEndsAt,
};

export const StorageUsage: StorageUsageResolvers = {
  usedStorage: ({ customer }) => customer?.usedStorageBytes ?? 0n,
  driveStorage: async (profile, _args, context) => (await entitlements(profile, context)).driveStorageBytes,
  overLimit: async (profile, _args, context) =>
    (profile.customer?.usedStorageBytes ?? 0n) > (await entitlements(profile, context)).driveStorageBytes,
};

export const LegalIdentity: LegalIdentityResolvers = {
  address: (customer) =>
    postalAddress({
      line1: customer.addressLine1,
      line2: customer.addressLine2,
      postalCode: customer.postalCode,
      city: customer.city,
      region: customer.region,
      country: customer.country,
    }),
};
