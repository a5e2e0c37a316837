// Per-request batching: every field that reads the database goes through one of these, so resolving
// N entities costs a constant number of queries. Created fresh for each request (no cross-request cache,
// so no viewer can see another's cached rows).
import DataLoader from 'dataloader';
import { ownerKey, type BillingOwner } from '../billing/billing-owner.ts';
import type { CustomerRepository } from '../billing/customers/customer-repository.ts';
import { ownerOf } from '../billing/customers/customer-service.ts';
import type { InvoiceRepository } from '../billing/invoices/invoice-repository.ts';
import type { PaymentMethodRepository } from '../billing/payment-methods/payment-method-repository.ts';
import type { PlanRepository } from '../billing/plans/plan-repository.ts';
import type { PlanCatalogView, PlanService } from '../billing/plans/plan-service.ts';
import type { SubscriptionRepository } from '../billing/subscriptions/subscription-repository.ts';
import type {
  CustomerRecord,
  InvoiceLineRecord,
  PaymentMethodRecord,
  PlanPriceRecord,
  SubscriptionRecord,
} from '../db/prisma-types.ts';

export interface LoaderSources {
  customers: CustomerRepository;
  subscriptions: SubscriptionRepository;
  paymentMethods: PaymentMethodRepository;
  invoices: InvoiceRepository;
  plans: PlanRepository;
  planService: PlanService;
}

export interface BillingLoaders {
  customerByOwner: DataLoader<BillingOwner, CustomerRecord | null, string>;
  liveSubscriptionByCustomerId: DataLoader<string, SubscriptionRecord | null>;
  paymentMethodsByCustomerId: DataLoader<string, PaymentMethodRecord[]>;
  invoiceLinesByInvoiceId: DataLoader<string, InvoiceLineRecord[]>;
  pricesByPlanId: DataLoader<string, PlanPriceRecord[]>;
  priceById: DataLoader<string, PlanPriceRecord | null>;
  /** The plan catalog is small: one query loads all of it for the request. */
  planCatalog(): Promise<PlanCatalogView>;
}

export function createLoaders(sources: LoaderSources): BillingLoaders {
  let catalog: Promise<PlanCatalogView> | undefined;
  return {
    customerByOwner: new DataLoader(
      async (owners) => {
        const rows = await sources.customers.findManyByOwners(owners);
        const byOwner = new Map(rows.map((row) => [ownerKey(ownerOf(row)), row] as const));
        return owners.map((owner) => byOwner.get(ownerKey(owner)) ?? null);
      },
      { cacheKeyFn: ownerKey },
    ),
    liveSubscriptionByCustomerId: new DataLoader(async (ids) =>
      oneEach(ids, await sources.subscriptions.findLiveByCustomerIds(ids), (row) => row.customerId),
    ),
    paymentMethodsByCustomerId: new DataLoader(async (ids) =>
      groupEach(ids, await sources.paymentMethods.findByCustomerIds(ids), (row) => row.customerId),
    ),
    invoiceLinesByInvoiceId: new DataLoader(async (ids) =>
      groupEach(ids, await sources.invoices.findLinesByInvoiceIds(ids), (row) => row.invoiceId),
    ),
    pricesByPlanId: new DataLoader(async (ids) =>
      groupEach(ids, await sources.plans.findActivePricesByPlanIds(ids), (row) => row.planId),
    ),
    priceById: new DataLoader(async (ids) =>
      oneEach(ids, await sources.plans.findPricesByIds(ids), (row) => row.id),
    ),
    planCatalog: () => (catalog ??= sources.planService.loadCatalog()),
  };
}

function oneEach<T>(keys: readonly string[], rows: T[], keyOf: (row: T) => string): (T | null)[] {
  const byKey = new Map(rows.map((row) => [keyOf(row), row] as const));
  return keys.map((key) => byKey.get(key) ?? null);
}

function groupEach<T>(keys: readonly string[], rows: T[], keyOf: (row: T) => string): T[][] {
  const groups = new Map<string, T[]>(keys.map((key) => [key, []]));
  for (const row of rows) groups.get(keyOf(row))?.push(row);
  return keys.map((key) => groups.get(key) ?? []);
}
