import type { BillingInterval } from '../money.ts';

/** A catalog entry with its limits; exactly one active plan is the free default. */
export interface Plan {
  id: string;
  name: string;
  driveStorageBytes: bigint;
  parallelDownloads: number;
  isDefault: boolean;
  /** On sale; an archived plan stays for the customers still on it. */
  active: boolean;
  sortOrder: number;
  providerProductId: string | null;
}

/** A price of a plan, in integer minor units of `currency`. */
export interface PlanPrice {
  id: string;
  planId: string;
  interval: BillingInterval;
  amount: number;
  currency: string;
  providerPriceId: string | null;
  active: boolean;
}
