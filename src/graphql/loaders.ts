// Per-request batching: every field that reads the database goes through one of these, so resolving
// N entities costs a constant number of queries. Created fresh for each request, each loader on first
// use (the hot path needs none); what outlives the request (the customer projection, customer rows, the
// plan catalog) lives in the services' invalidated caches, not here.
import DataLoader from 'dataloader';
import { ownerKey, type BillingOwner } from '../billing/billing-owner.ts';
import type { CustomerProjection } from '../billing/customers/customer-projection.ts';
import type { CustomerReader } from '../billing/customers/customer-reader.ts';
import type { CustomerState } from '../billing/customers/customer-state.ts';
import type { InvoiceRepository } from '../billing/invoices/invoice-repository.ts';
import type { InvoicePage, InvoiceService } from '../billing/invoices/invoice-service.ts';
import type { PaymentMethodRepository } from '../billing/payment-methods/payment-method-repository.ts';
import type { PlanCatalogView, PlanService } from '../billing/plans/plan-service.ts';
import type { SubscriptionRepository } from '../billing/subscriptions/subscription-repository.ts';
import type { Customer } from '../billing/customers/customer.ts';
import type { InvoiceLine } from '../billing/invoices/invoice.ts';
import type { PaymentMethod } from '../billing/payment-methods/payment-method.ts';
import type { Subscription } from '../billing/subscriptions/subscription.ts';

export interface LoaderSources {
  customers: CustomerReader;
  customerProjection: CustomerProjection;
  subscriptions: SubscriptionRepository;
  paymentMethods: PaymentMethodRepository;
  invoices: InvoiceRepository;
  invoicePages: InvoiceService;
  planService: PlanService;
}

/** A page of a customer's invoices (null: an owner who never paid), as `Customer.invoices` asks for it. */
export interface InvoicePageKey {
  customerId: string | null;
  first: number;
  after: string | null;
}

export interface BillingLoaders {
  customerByOwner: DataLoader<BillingOwner, Customer | null, string>;
  liveSubscriptionByCustomerId: DataLoader<string, Subscription | null>;
  paymentMethodsByCustomerId: DataLoader<string, PaymentMethod[]>;
  invoiceLinesByInvoiceId: DataLoader<string, InvoiceLine[]>;
  refundedByInvoiceId: DataLoader<string, number>;
  invoicePages: DataLoader<InvoicePageKey, InvoicePage, string>;
  planCatalog(): Promise<PlanCatalogView>;
  /** The catalog if in memory: no promise to wait for. */
  loadedPlanCatalog(): PlanCatalogView | undefined;
  /** From the projection: the owner's hot fields, null for no customer, undefined when it does not know. */
  knownCustomerState(owner: BillingOwner): CustomerState | null | undefined;
}

class RequestLoaders implements BillingLoaders {
  private customers?: BillingLoaders['customerByOwner'];
  private subscriptions?: BillingLoaders['liveSubscriptionByCustomerId'];
  private paymentMethods?: BillingLoaders['paymentMethodsByCustomerId'];
  private invoiceLines?: BillingLoaders['invoiceLinesByInvoiceId'];
  private refunded?: BillingLoaders['refundedByInvoiceId'];
  private pages?: BillingLoaders['invoicePages'];

  constructor(private readonly sources: LoaderSources) {}

  get customerByOwner() {
    return (this.customers ??= new DataLoader((owners) => this.sources.customers.findManyByOwners(owners), {
      cacheKeyFn: ownerKey,
    }));
  }

  get liveSubscriptionByCustomerId() {
    return (this.subscriptions ??= new DataLoader(async (ids) =>
      oneEach(ids, await this.sources.subscriptions.findLiveByCustomerIds(ids), (row) => row.customerId),
    ));
  }

  get paymentMethodsByCustomerId() {
    return (this.paymentMethods ??= new DataLoader(async (ids) =>
      groupEach(ids, await this.sources.paymentMethods.findByCustomerIds(ids), (row) => row.customerId),
    ));
  }

  get invoiceLinesByInvoiceId() {
    return (this.invoiceLines ??= new DataLoader(async (ids) =>
      groupEach(ids, await this.sources.invoices.findLinesByInvoiceIds(ids), (row) => row.invoiceId),
    ));
  }

  get refundedByInvoiceId() {
    return (this.refunded ??= new DataLoader(async (ids) => {
      const refunded = await this.sources.invoices.refundedOn(ids);
      return ids.map((id) => refunded.get(id) ?? 0);
    }));
  }

  /** Pages asked with the same arguments (every owner's first page, typically) are read in one query. */
  get invoicePages() {
    return (this.pages ??= new DataLoader(
      async (keys) => {
        const groups = new Map<string, InvoicePageKey[]>();
        for (const key of keys) groups.set(pageArgs(key), [...(groups.get(pageArgs(key)) ?? []), key]);
        const pages = new Map<string, InvoicePage | Error>();
        await Promise.all(
          [...groups.values()].map(async (group) => {
            const { first, after } = group[0]!;
            try {
              const found = await this.sources.invoicePages.pagesFor(
                group.map((key) => key.customerId),
                first,
                after,
              );
              group.forEach((key, i) => pages.set(pageKey(key), found[i]!));
            } catch (error) {
              for (const key of group) pages.set(pageKey(key), error as Error);
            }
          }),
        );
        return keys.map((key) => pages.get(pageKey(key))!);
      },
      { cacheKeyFn: pageKey },
    ));
  }

  planCatalog(): Promise<PlanCatalogView> {
    return this.sources.planService.catalog();
  }

  loadedPlanCatalog(): PlanCatalogView | undefined {
    return this.sources.planService.loadedCatalog();
  }

  knownCustomerState(owner: BillingOwner): CustomerState | null | undefined {
    return this.sources.customerProjection.lookup(owner);
  }
}

export function createLoaders(sources: LoaderSources): BillingLoaders {
  return new RequestLoaders(sources);
}

const pageArgs = ({ first, after }: InvoicePageKey) => JSON.stringify([first, after]);
const pageKey = (key: InvoicePageKey) => JSON.stringify([key.customerId, key.first, key.after]);

function oneEach<T>(keys: readonly string[], rows: T[], keyOf: (row: T) => string): (T | null)[] {
  const byKey = new Map(rows.map((row) => [keyOf(row), row] as const));
  return keys.map((key) => byKey.get(key) ?? null);
}

function groupEach<T>(keys: readonly string[], rows: T[], keyOf: (row: T) => string): T[][] {
  const groups = new Map<string, T[]>(keys.map((key) => [key, []]));
  for (const row of rows) groups.get(keyOf(row))?.push(row);
  return keys.map((key) => groups.get(key) ?? []);
}
