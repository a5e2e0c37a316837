import type {
  CustomerResolvers,
  EntitlementsResolvers,
  LegalIdentityResolvers,
  StorageUsageResolvers,
} from '../../generated/graphql.ts';
import {
  hasLegalIdentity,
  isOverLimit,
  profileEntitlements,
  profileId,
  profilePlan,
  type ProfileEntitlements,
} from '../../billing/customers/billing-profile-read-model.ts';
import { fullCustomer, then, type BillingProfile, type Maybe } from '../billing-profile.ts';
import type { GraphQLContext } from '../context.ts';
import { postalAddress } from '../postal-address.ts';
import { requirePersonalBillingReader } from '../authorization.ts';

function entitlements({ state }: BillingProfile, context: GraphQLContext): Maybe<ProfileEntitlements> {
  // A stored state needs no catalog: the hot path stays free of promises.
  if (state) return profileEntitlements(state);
  return then(catalog(context), ({ defaultPlan }) => profileEntitlements(null, defaultPlan));
}

function catalog(context: GraphQLContext) {
  return context.loaders.loadedPlanCatalog() ?? context.loaders.planCatalog();
}

export const Customer: CustomerResolvers = {
  id: ({ owner }) => profileId(owner),
  owner: ({ owner }) => ({ __typename: owner.kind === 'user' ? 'User' : 'Group', id: owner.id }),
  legalIdentity: async (profile, _args, context) => {
    requirePersonalBillingReader(context, profile.owner);
    const customer = await fullCustomer(profile, context);
    return customer && hasLegalIdentity(customer) ? customer : null;
  },
  plan: ({ state }, _args, context) => then(catalog(context), (plans) => profilePlan(state, plans)),
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
    return context.loaders.invoicePages.load({
      customerId: customer?.id ?? null,
      first: first ?? 20,
      after: after ?? null,
    });
  },
  unpaidInvoice: ({ state }) => state?.hasUnpaidInvoice ?? false,
  createdAt: async (profile, _args, context) => (await fullCustomer(profile, context))?.createdAt ?? null,
};

export const Entitlements: EntitlementsResolvers = {
  driveStorage: (profile, _args, context) =>
    then(entitlements(profile, context), (granted) => granted.driveStorageBytes),
  parallelDownloads: (profile, _args, context) =>
    then(entitlements(profile, context), (granted) => granted.parallelDownloads),
  basis: (profile, _args, context) => then(entitlements(profile, context), (granted) => granted.entitlementBasis),
  graceEndsAt: (profile, _args, context) => then(entitlements(profile, context), (granted) => granted.graceEndsAt),
  grantedUntil: async (profile, _args, context) =>
    (await entitlements(profile, context)).entitlementBasis === 'GRANTED'
      ? ((await fullCustomer(profile, context))?.grantedUntil ?? null)
      : null,
};

export const StorageUsage: StorageUsageResolvers = {
  usedStorage: async (profile, _args, context) => (await fullCustomer(profile, context))?.usedStorageBytes ?? 0n,
  driveStorage: (profile, _args, context) =>
    then(entitlements(profile, context), (granted) => granted.driveStorageBytes),
  overLimit: async (profile, _args, context) =>
    isOverLimit((await fullCustomer(profile, context))?.usedStorageBytes ?? 0n, await entitlements(profile, context)),
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
