import type { CustomerState } from '../../billing/customers/customer-state.ts';
import type { CustomerResolvers, EntitlementsResolvers, LegalIdentityResolvers, StorageUsageResolvers } from '../../generated/graphql.ts';
import { IDENTITY_FIELDS } from '../../billing/customers/customer.ts';
import { fullCustomer, then, type BillingProfile, type Maybe } from '../billing-profile.ts';
import type { GraphQLContext } from '../context.ts';
import { postalAddress } from '../postal-address.ts';
import { requirePersonalBillingReader } from '../authorization.ts';

type EffectiveEntitlements = Pick<CustomerState, 'driveStorageBytes' | 'parallelDownloads' | 'entitlementBasis' | 'graceEndsAt'>;

function entitlements({ state }: BillingProfile, context: GraphQLContext): Maybe<EffectiveEntitlements> {
  if (state) return state;
  return then(catalog(context), ({ defaultPlan }) => ({
    driveStorageBytes: defaultPlan.driveStorageBytes,
    parallelDownloads: defaultPlan.parallelDownloads,
    entitlementBasis: 'FREE_PLAN' as const,
    graceEndsAt: null,
  }));
}

function catalog(context: GraphQLContext) {
  return context.loaders.loadedPlanCatalog() ?? context.loaders.planCatalog();
}

export const Customer: CustomerResolvers = {
  id: ({ owner }) => `${owner.kind === 'user' ? 'User' : 'Group'}:${owner.id}`,
  owner: ({ owner }) => ({ __typename: owner.kind === 'user' ? 'User' : 'Group', id: owner.id }),
  legalIdentity: async (profile, _args, context) => {
    requirePersonalBillingReader(context, profile.owner);
    const customer = await fullCustomer(profile, context);
    return customer && IDENTITY_FIELDS.some((field) => customer[field] !== null) ? customer : null;
  },
  plan: ({ state }, _args, context) =>
    then(catalog(context), (plans) => (state && plans.byId.get(state.planId)) || plans.defaultPlan),
  entitlements: (profile) => profile,
  usage: (profile) => profile,
  subscription: async (profile, _args, context) => {
    const customer = await fullCustomer(profile, context);
    return customer ? context.loaders.liveSubscriptionByCustomerId.load(customer.id) : null;
  },
  paymentMethods: async (profile, _args, context) => {
    requirePersonalBillingReader(context, profile.owner);
    const customer = await fullCustomer(profile, context);
    return customer ? context.loaders.paymentMethodsByCustomerId.load(customer.id) : [];
  },
  invoices: async (profile, { first, after }, context) => {
    requirePersonalBillingReader(context, profile.owner);
    const customer = await fullCustomer(profile, context);
    return context.services.invoices.listForCustomer(customer?.id ?? null, first ?? 20, after ?? null);
  },
  unpaidInvoice: ({ state }) => state?.hasUnpaidInvoice ?? false,
  createdAt: async (profile, _args, context) => (await fullCustomer(profile, context))?.createdAt ?? null,
};

export const Entitlements: EntitlementsResolvers = {
  driveStorage: (profile, _args, context) => then(entitlements(profile, context), (granted) => granted.driveStorageBytes),
  parallelDownloads: (profile, _args, context) => then(entitlements(profile, context), (granted) => granted.parallelDownloads),
  basis: (profile, _args, context) => then(entitlements(profile, context), (granted) => granted.entitlementBasis),
  graceEndsAt: (profile, _args, context) => then(entitlements(profile, context), (granted) => granted.graceEndsAt),
  grantedUntil: async (profile, _args, context) =>
    (await entitlements(profile, context)).entitlementBasis === 'GRANTED' ? ((await fullCustomer(profile, context))?.grantedUntil ?? null) : null,
};

export const StorageUsage: StorageUsageResolvers = {
  usedStorage: async (profile, _args, context) => (await fullCustomer(profile, context))?.usedStorageBytes ?? 0n,
  driveStorage: (profile, _args, context) => then(entitlements(profile, context), (granted) => granted.driveStorageBytes),
  overLimit: async (profile, _args, context) =>
    ((await fullCustomer(profile, context))?.usedStorageBytes ?? 0n) > (await entitlements(profile, context)).driveStorageBytes,
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
