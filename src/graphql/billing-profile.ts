import type { BillingOwner } from '../billing/billing-owner.ts';
import type { CustomerState } from '../billing/customers/customer-state.ts';
import type { Customer } from '../billing/customers/customer.ts';
import { requireBillingReader } from './authorization.ts';
import type { GraphQLContext } from './context.ts';

/** A `User` or `Group` entity as this subgraph sees it: only its key. */
export interface OwnerEntityRef {
  id: string;
}

/**
 * What the `Customer` type resolves from: the owner and its hot fields (plan, entitlements, unpaid flag),
 * null when it has no customer row (a profile on the free plan; reads never create the row). The full row
 * is read only by the fields that need it, unless the profile came with it (mutations).
 */
export interface BillingProfile {
  owner: BillingOwner;
  state: CustomerState | null;
  customer?: Customer | null;
}

/** The value, or the promise of it: the hot path resolves without a promise when memory has the answer. */
export type Maybe<T> = T | Promise<T>;

export function then<T, R>(value: Maybe<T>, next: (value: T) => R): Maybe<R> {
  return value instanceof Promise ? value.then(next) : next(value);
}

export function profileOf(owner: BillingOwner, customer: Customer | null): BillingProfile {
  return { owner, state: customer, customer };
}

export function loadBillingProfile(owner: BillingOwner, context: GraphQLContext): Maybe<BillingProfile> {
  try {
    requireBillingReader(context, owner);
  } catch (error) {
    // Refused asynchronously, as a database read would be: every refused field of the entity then
    // reports its own FORBIDDEN, rather than the first one cutting the others short.
    return Promise.reject(error as Error);
  }
  const state = context.loaders.knownCustomerState(owner);
  if (state !== undefined) return { owner, state };
  return context.loaders.customerByOwner.load(owner).then((customer) => profileOf(owner, customer));
}

/** The owner's whole customer row, for the fields beyond the hot ones. */
export function fullCustomer(profile: BillingProfile, context: GraphQLContext): Promise<Customer | null> {
  if (profile.customer !== undefined) return Promise.resolve(profile.customer);
  if (profile.state === null) return Promise.resolve(null);
  return context.loaders.customerByOwner.load(profile.owner);
}
