// The billing profile of one user or one group, in the domain's terms: what services, policies and the
// GraphQL layer read. Repositories build it from rows (customer-repository.ts), so a column rename stops there.
import type { EntitlementBasis } from '../entitlements/entitlement-policy.ts';
import type { CustomerState } from './customer-state.ts';

/** Where a VAT number stands with the EU registry (VIES): unchecked, confirmed, refused, or not reachable. */
export type VatNumberCheck = 'VERIFIED' | 'FORMAT_VALID' | 'UNVERIFIED' | 'INVALID' | 'NOT_CHECKED';

export interface LegalIdentity {
  legalName: string | null;
  addressLine1: string | null;
  addressLine2: string | null;
  postalCode: string | null;
  city: string | null;
  region: string | null;
  /** ISO 3166-1 alpha-2. */
  country: string | null;
  vatNumber: string | null;
  billingEmail: string | null;
}

/** The identity fields, in the order the profile lists them. */
export const IDENTITY_FIELDS: readonly (keyof LegalIdentity)[] = [
  'legalName',
  'addressLine1',
  'addressLine2',
  'postalCode',
  'city',
  'region',
  'country',
  'vatNumber',
  'billingEmail',
];

export interface Customer extends LegalIdentity, CustomerState {
  id: string;
  /** Exactly one of `userId` and `groupId` while open; both null once closed. */
  userId: string | null;
  groupId: string | null;
  /** The only identifier the payment provider ever learns. */
  anonymousId: string;
  providerCustomerId: string | null;
  vatNumberStatus: VatNumberCheck;
  vatNumberCheckedAt: Date | null;
  planId: string;
  driveStorageBytes: bigint;
  parallelDownloads: number;
  entitlementBasis: EntitlementBasis;
  graceEndsAt: Date | null;
  graceExtendedUntil: Date | null;
  grantedPlanId: string | null;
  grantedUntil: Date | null;
  usedStorageBytes: bigint;
  hasUnpaidInvoice: boolean;
  closedAt: Date | null;
  createdAt: Date;
}

/** An admin's exceptions to the payment state: a grace period extended, a plan granted. */
export type CustomerExceptionFields = Pick<Customer, 'graceExtendedUntil' | 'grantedPlanId' | 'grantedUntil'>;
