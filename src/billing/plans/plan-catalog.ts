// The plan catalog the service seeds on first start: Bloom's own plans. Sizes are decimal (SI) units,
// as storage is sold: 1 GB = 10^9 bytes.
import type { BillingInterval } from '../money.ts';

export interface CatalogPrice {
  interval: BillingInterval;
  /** Minor units of `currency`. */
  amount: number;
  currency: string;
}

export interface CatalogPlan {
  id: string;
  name: string;
  driveStorageBytes: bigint;
  parallelDownloads: number;
  isDefault: boolean;
  prices: CatalogPrice[];
}

const MB = 10n ** 6n;
const GB = 10n ** 9n;
const TB = 10n ** 12n;

function paid(
  id: string,
  name: string,
  driveStorageBytes: bigint,
  parallelDownloads: number,
  monthlyCents: number,
): CatalogPlan {
  return {
    id,
    name,
    driveStorageBytes,
    parallelDownloads,
    isDefault: false,
    // A year costs ten months: two months free, the usual yearly discount.
    prices: [
      { interval: 'MONTH', amount: monthlyCents, currency: 'EUR' },
      { interval: 'YEAR', amount: monthlyCents * 10, currency: 'EUR' },
    ],
  };
}

export const DEFAULT_PLAN_CATALOG: readonly CatalogPlan[] = [
  { id: 'free', name: 'Free', driveStorageBytes: 100n * MB, parallelDownloads: 4, isDefault: true, prices: [] },
  paid('lite', 'Lite', 100n * GB, 8, 800),
  paid('pro', 'Pro', 400n * GB, 16, 1600),
  paid('ultra', 'Ultra', 1n * TB, 32, 3200),
];
