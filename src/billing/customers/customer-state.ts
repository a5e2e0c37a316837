import type { EntitlementBasis } from '../entitlements/entitlement-policy.ts';

/**
 * The hot fields of a customer: what every page reads (plan, entitlements, the unpaid flag). A customer
 * row has these fields under the same names, so a row is a state.
 */
export interface CustomerState {
  readonly planId: string;
  readonly driveStorageBytes: bigint;
  readonly parallelDownloads: number;
  readonly entitlementBasis: EntitlementBasis;
  readonly graceEndsAt: Date | null;
  readonly hasUnpaidInvoice: boolean;
}

/**
 * A customer's state as the projection reads it: its owner, and its state but the grace end encoded as
 * one string (`stateKey`), so the million customers who share a handful of states cost one string each.
 */
export interface CustomerStateRow {
  /** Keyset cursor for paging through every customer. */
  readonly id: string;
  readonly userId: string | null;
  readonly groupId: string | null;
  readonly stateKey: string;
  readonly graceEndsAt: Date | null;
}

/** `plan|bytes|downloads|basis|unpaid`; the SQL that reads rows builds the same string. */
export function stateKey(state: Omit<CustomerState, 'graceEndsAt'>): string {
  return `${state.planId}|${state.driveStorageBytes}|${state.parallelDownloads}|${state.entitlementBasis}|${state.hasUnpaidInvoice}`;
}

export function stateFromKey(key: string, graceEndsAt: Date | null): CustomerState {
  const [planId, bytes, downloads, basis, unpaid] = key.split('|');
  return {
    planId: planId!,
    driveStorageBytes: BigInt(bytes!),
    parallelDownloads: Number(downloads),
    entitlementBasis: basis as EntitlementBasis,
    graceEndsAt,
    hasUnpaidInvoice: unpaid === 'true',
  };
}

/** Where the projection reads states from: every open customer in pages, and a few owners at a time. */
export interface CustomerStateSource {
  pageOfStates(afterId: string | null, limit: number): Promise<CustomerStateRow[]>;
  statesOfOwnerKeys(ownerKeys: readonly string[]): Promise<CustomerStateRow[]>;
}
