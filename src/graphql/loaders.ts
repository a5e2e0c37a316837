// Per-request batching: every field that reads the database goes through one of these, so resolving
// N entities costs a constant number of queries. Created fresh for each request; what outlives the
// request (customer rows, the plan catalog) lives in the services' invalidated caches, not here.
import DataLoader from 'dataloader';
import { ownerKey, type BillingOwner } from '../billing/billing-owner.ts';
import type { CustomerReader } from '../billing/customers/customer-reader.ts';
import type { InvoiceRepository } from '../billing/invoices/invoice-repository.ts';
import type { PaymentMethodRepository } from '../billing/payment-methods/payment-method-repository.ts';
import type { PlanCatalogView, PlanService } from '../billing/plans/plan-service.ts';
import type { SubscriptionRepository } from '../billing/subscriptions/subscription-repository.ts';
import type { CustomerRecord, InvoiceLineRecord, PaymentMethodRecord, SubscriptionRecord } from '../db/prisma-types.ts';

export interface LoaderSources {
  customers: CustomerReader;
  subscriptions: SubscriptionRepository;
  paymentMethods: PaymentMethodRepository;
  invoices: InvoiceRepository;
  planService: PlanService;
}

export interface BillingLoaders {
  customerByOwner: DataLoader<BillingOwner, CustomerRecord | null, string>;
  liveSubscriptionByCustomerId: DataLoader<string, SubscriptionRecord | null>;
  paymentMethodsByCustomerId: DataLoader<string, PaymentMethodRecord[]>;
  invoiceLinesByInvoiceId: DataLoader<string, InvoiceLineRecord[]>;
  planCatalog(): Promise<PlanCatalogView>;
}

export function createLoaders(sources: LoaderSources): BillingLoaders {
  return {
    customerByOwner: new DataLoader((owners) => sources.customers.findManyByOwners(owners), { cacheKeyFn: ownerKey }),
    liveSubscriptionByCustomerId: new DataLoader(async (ids) =>
      oneEach(ids, await sources.subscriptions.findLiveByCustomerIds(ids), (row) => row.customerId),
    ),
    paymentMethodsByCustomerId: new DataLoader(async (ids) =>
      groupEach(ids, await sources.paymentMethods.findByCustomerIds(ids), (row) => row.customerId),
    ),
    invoiceLinesByInvoiceId: new DataLoader(async (ids) =>
      groupEach(ids, await sources.invoices.findLinesByInvoiceIds(ids), (row) => row.invoiceId),
    ),
    planCatalog: () => sources.planService.catalog(),
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
