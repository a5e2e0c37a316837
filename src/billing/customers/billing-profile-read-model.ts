// What a billing profile reads as, from the customer's hot state (null: the owner has no customer row)
// and the plan catalog: the one place for the free-plan fallback, the over-limit rule, whether an identity
// was given and the profile's id. Pure and synchronous, so the hot path answers without a promise.
import type { BillingOwner } from '../billing-owner.ts';
import { freePlanEntitlements } from '../entitlements/entitlement-policy.ts';
import type { Plan } from '../plans/plan.ts';
import { IDENTITY_FIELDS, type LegalIdentity } from './customer.ts';
import type { CustomerState } from './customer-state.ts';

export type ProfileEntitlements = Pick<
  CustomerState,
  'driveStorageBytes' | 'parallelDownloads' | 'entitlementBasis' | 'graceEndsAt'
>;

/** The profile's stable id: the owner's type and id (`User:42`, `Group:7`), whether or not a row exists. */
export function profileId(owner: BillingOwner): string {
  return `${owner.kind === 'user' ? 'User' : 'Group'}:${owner.id}`;
}

/** The customer's stored entitlements, or the free plan's when there is no customer (only then is it read). */
export function profileEntitlements(state: CustomerState): ProfileEntitlements;
export function profileEntitlements(state: CustomerState | null, freePlan: Plan): ProfileEntitlements;
export function profileEntitlements(state: CustomerState | null, freePlan?: Plan): ProfileEntitlements {
  if (state) return state;
  const { basis, ...free } = freePlanEntitlements(freePlan!);
  return { ...free, entitlementBasis: basis };
}

/** The plan the profile is on; a plan unknown to the catalog (never expected) reads as the free one. */
export function profilePlan(
  state: CustomerState | null,
  catalog: { byId: ReadonlyMap<string, Plan>; defaultPlan: Plan },
): Plan {
  return (state && catalog.byId.get(state.planId)) || catalog.defaultPlan;
}

/** Over the limit: more storage in use than the entitlements allow (equal is within). */
export function isOverLimit(
  usedStorageBytes: bigint,
  entitlements: Pick<ProfileEntitlements, 'driveStorageBytes'>,
): boolean {
  return usedStorageBytes > entitlements.driveStorageBytes;
}

/** Whether the customer ever gave any part of a legal identity; none reads as no identity at all. */
export function hasLegalIdentity(customer: LegalIdentity): boolean {
  return IDENTITY_FIELDS.some((field) => customer[field] !== null);
}
