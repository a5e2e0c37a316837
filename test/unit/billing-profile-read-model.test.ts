import {
  hasLegalIdentity,
  isOverLimit,
  profileEntitlements,
  profileId,
  profilePlan,
} from '../../src/billing/customers/billing-profile-read-model';
import type { CustomerState } from '../../src/billing/customers/customer-state';
import type { Plan } from '../../src/billing/plans/plan';

const plan = (id: string, driveStorageBytes: bigint): Plan => ({
  id,
  name: id,
  driveStorageBytes,
  parallelDownloads: 4,
  isDefault: id === 'free',
  active: true,
  sortOrder: 0,
  providerProductId: null,
});
const free = plan('free', 100n);
const pro = plan('pro', 1_000n);
const catalog = {
  byId: new Map([
    ['free', free],
    ['pro', pro],
  ]),
  defaultPlan: free,
};
const proState: CustomerState = {
  planId: 'pro',
  driveStorageBytes: 1_000n,
  parallelDownloads: 16,
  entitlementBasis: 'SUBSCRIPTION',
  graceEndsAt: null,
  hasUnpaidInvoice: false,
};
const noIdentity = {
  legalName: null,
  addressLine1: null,
  addressLine2: null,
  postalCode: null,
  city: null,
  region: null,
  country: null,
  vatNumber: null,
  billingEmail: null,
};

describe('the billing profile as it reads', () => {
  it('falls back to the free plan for an owner without a customer, as the entitlement policy grants it', () => {
    expect(profileEntitlements(null, free)).toMatchObject({
      driveStorageBytes: 100n,
      parallelDownloads: 4,
      entitlementBasis: 'FREE_PLAN',
      graceEndsAt: null,
    });
    expect(profilePlan(null, catalog)).toBe(free);
  });

  it("reads a customer's stored entitlements and plan", () => {
    expect(profileEntitlements(proState)).toBe(proState);
    expect(profilePlan(proState, catalog)).toBe(pro);
  });

  it('is over the limit only past the allowed bytes', () => {
    expect(isOverLimit(1_000n, proState)).toBe(false);
    expect(isOverLimit(1_001n, proState)).toBe(true);
  });

  it('has an identity as soon as one part of it is given', () => {
    expect(hasLegalIdentity(noIdentity)).toBe(false);
    expect(hasLegalIdentity({ ...noIdentity, country: 'FR' })).toBe(true);
  });

  it("names the profile by its owner's type and id", () => {
    expect(profileId({ kind: 'user', id: '42' })).toBe('User:42');
    expect(profileId({ kind: 'group', id: 'studio' })).toBe('Group:studio');
  });
});
