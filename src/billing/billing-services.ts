// Builds the billing domain: repositories on one Prisma client, the caches, and the services that use
// them. The composition root calls it once per process.
import type { Logger } from 'pino';
import type { Database } from '../db/database.ts';
import type { PaymentProvider } from './ports/payment-provider.ts';
import { AuditLog } from './audit/audit-log.ts';
import { AuditLogRepository } from './audit/audit-log-repository.ts';
import { CustomerSearchRepository } from './customers/customer-search-repository.ts';
import { InvoiceListing } from './invoices/invoice-listing.ts';
import { InvoiceCollectionAdmin } from './services/invoice-collection-admin.ts';
import { InvoiceListingRepository } from './invoices/invoice-listing-repository.ts';
import { CustomerExceptions } from './services/customer-exceptions.ts';
import { CustomerCache } from './customers/customer-cache.ts';
import { CustomerProjection } from './customers/customer-projection.ts';
import { CustomerReader } from './customers/customer-reader.ts';
import { CustomerStateReader } from './customers/customer-state-reader.ts';
import { CustomerRepository } from './customers/customer-repository.ts';
import { CustomerService } from './services/customer-service.ts';
import { PaymentStateService } from './sync/payment-state-service.ts';
import { InvoicePaymentService } from './services/invoice-payment-service.ts';
import { InvoiceRepository } from './invoices/invoice-repository.ts';
import { InvoiceService } from './invoices/invoice-service.ts';
import { BillingOperationRepository } from './operations/billing-operation-repository.ts';
import { BillingOperations } from './operations/billing-operations.ts';
import { InvoiceRefundService } from './invoices/invoice-refund-service.ts';
import { PaymentMethodRepository } from './payment-methods/payment-method-repository.ts';
import { PaymentMethodService } from './services/payment-method-service.ts';
import { PlanRepository } from './plans/plan-repository.ts';
import { PlanService } from './plans/plan-service.ts';
import { PlanCatalogAdmin } from './plans/plan-catalog-admin.ts';
import { SubscriptionRepository } from './subscriptions/subscription-repository.ts';
import { SubscriptionService } from './services/subscription-service.ts';
import { CustomerReconciliation } from './sync/customer-reconciliation.ts';
import { InvoiceSynchronizer } from './sync/invoice-synchronizer.ts';
import { PaymentMethodSynchronizer } from './sync/payment-method-synchronizer.ts';
import { SubscriptionSynchronizer } from './sync/subscription-synchronizer.ts';
import { InvoiceIssuer } from './invoices/invoice-issuer.ts';
import { InvoiceDocumentService } from './invoices/invoice-document-service.ts';
import { InvoiceLinkSigner } from './invoices/invoice-links.ts';
import { InvoiceNumberAllocator } from './invoices/invoice-number-allocator.ts';
import { CustomerVat } from './vat/customer-vat.ts';
import { ProviderTaxRates } from './vat/provider-tax-rates.ts';
import { OfflineVatNumberVerifier, ViesVatNumberVerifier, type VatNumberVerifier } from './vat/vat-number-check.ts';
import type { VatRateTable } from './vat/eu-vat-rates.ts';
import { InvoiceVatDecisions } from './invoices/invoice-vat-decisions.ts';
import { CreditNoteService } from './invoices/credit-note-service.ts';
import { VatReportRepository } from './vat/vat-report-repository.ts';
import { VatReportService } from './vat/vat-report-service.ts';
import { InvoiceLineDescriber } from './invoices/invoice-line-description.ts';
import type { InvoicingSettings } from './invoices/invoicing-settings.ts';
import { systemClock, type Clock } from './clock.ts';

export interface BillingSettings {
  customerCache: { maxEntries: number; ttlMs: number };
  /** Owners held in the hot-field projection; 0 disables it. */
  customerProjectionEntries: number;
  planCatalogTtlMs: number;
  gracePeriodDays: number;
  invoicing: InvoicingSettings;
  /** Tests replace the VAT number registry and the rate table; production uses the configured ones. */
  vat?: { verifier?: VatNumberVerifier; rates?: VatRateTable };
  /** The system clock unless a test moves time. */
  clock?: Clock;
}

export function createBillingServices(
  database: Pick<Database, 'prisma' | 'executeSql' | 'locks'>,
  provider: PaymentProvider,
  settings: BillingSettings,
  logger: Logger,
) {
  const { prisma, locks } = database;
  const clock = settings.clock ?? systemClock;
  const now = () => clock.now();
  const customerCache = new CustomerCache(settings.customerCache);
  const customers = new CustomerRepository(prisma, (ownerKey) => {
    customerCache.invalidate(ownerKey);
    customerProjection.changed(ownerKey);
  });
  const customerProjection = new CustomerProjection(new CustomerStateReader(database.executeSql), {
    maxEntries: settings.customerProjectionEntries,
    logger,
  });
  const subscriptions = new SubscriptionRepository(prisma);
  const invoices = new InvoiceRepository(prisma);
  const paymentMethods = new PaymentMethodRepository(prisma);
  const operationRecords = new BillingOperationRepository(prisma);
  // The repair is the reconciliation, built further down on services that themselves run operations.
  const operations = new BillingOperations(locks, operationRecords, (customerId) =>
    reconciliation.reconcileById(customerId),
  );
  const planRepository = new PlanRepository(prisma);
  const plans = new PlanService(planRepository, { ttlMs: settings.planCatalogTtlMs });
  const paymentState = new PaymentStateService(
    customers,
    subscriptions,
    invoices,
    plans,
    settings.gracePeriodDays,
    now,
  );
  const {
    seller,
    numberTemplate,
    creditNoteNumberTemplate,
    timeZone,
    viesCheck,
    linkSecret,
    publicBaseUrl,
    linkTtlSeconds,
  } = settings.invoicing;
  const verifier = settings.vat?.verifier ?? (viesCheck ? new ViesVatNumberVerifier() : new OfflineVatNumberVerifier());
  const vat = new CustomerVat({
    sellerCountry: seller.country,
    timeZone,
    vatNumbers: verifier,
    log: (customerId, status, at) => customers.recordVatNumberCheck(customerId, status, at),
    ...(settings.vat?.rates ? { rates: settings.vat.rates } : {}),
  });
  const invoiceDocuments = new InvoiceDocumentService(invoices, timeZone);
  const issuer = new InvoiceIssuer({
    prisma,
    invoices,
    invoiceNumbers: new InvoiceNumberAllocator({ template: numberTemplate, timeZone }),
    creditNoteNumbers: new InvoiceNumberAllocator({ template: creditNoteNumberTemplate, timeZone }),
    seller,
    documents: invoiceDocuments,
    now,
  });
  const creditNotes = new CreditNoteService(prisma, issuer, invoiceDocuments);
  const taxRates = new ProviderTaxRates(provider, vat, now);
  const vatDecisions = new InvoiceVatDecisions(invoices, taxRates, provider, logger, now);
  const invoiceSync = new InvoiceSynchronizer(
    provider,
    { customers, invoices },
    paymentState,
    issuer,
    vatDecisions,
    new InvoiceLineDescriber(plans, timeZone),
    locks,
    logger,
    now,
  );
  const subscriptionSync = new SubscriptionSynchronizer(
    provider,
    { customers, subscriptions, invoices, operations: operationRecords },
    plans,
    paymentState,
    invoiceSync,
    locks,
    creditNotes,
    logger,
    now,
  );
  const paymentMethodSync = new PaymentMethodSynchronizer(provider, { customers, paymentMethods }, locks);
  const reconciliation = new CustomerReconciliation(
    provider,
    customers,
    subscriptionSync,
    invoiceSync,
    paymentMethodSync,
    paymentState,
    locks,
  );
  const customerService = new CustomerService({
    customers,
    subscriptions,
    paymentMethods,
    paymentState,
    provider,
    subscriptionSync,
    taxRates,
    operations,
  });
  const invoiceService = new InvoiceService(invoices, customers);
  return {
    customerCache,
    customerProjection,
    paymentState,
    customers,
    operationRecords,
    /** What the provider's webhooks sync, one synchronizer per object. */
    sync: {
      subscriptions: subscriptionSync,
      invoices: invoiceSync,
      paymentMethods: paymentMethodSync,
      customers: reconciliation,
    },
    services: {
      plans,
      customers: customerService,
      invoices: invoiceService,
      invoicePayments: new InvoicePaymentService(
        invoices,
        paymentMethods,
        subscriptions,
        provider,
        invoiceSync,
        subscriptionSync,
        operations,
      ),
      paymentMethods: new PaymentMethodService({
        customers: customerService,
        paymentMethods,
        subscriptions,
        provider,
        paymentMethodSync,
        operations,
      }),
      subscriptions: new SubscriptionService({
        customers: customerService,
        subscriptions,
        paymentMethods,
        plans,
        provider,
        subscriptionSync,
        invoiceSync,
        taxRates,
        invoices,
        operations,
      }),
      reconciliation,
      invoiceLinks: new InvoiceLinkSigner(linkSecret, publicBaseUrl, linkTtlSeconds, now),
      audit: new AuditLog(new AuditLogRepository(prisma)),
      planCatalog: new PlanCatalogAdmin(planRepository, plans, provider),
      customerSearch: new CustomerSearchRepository(prisma),
      invoiceListing: new InvoiceListing(new InvoiceListingRepository(prisma)),
      invoiceCollection: new InvoiceCollectionAdmin(invoices, provider, invoiceSync),
      customerExceptions: new CustomerExceptions({
        customers: customerService,
        customerRows: customers,
        subscriptions,
        plans,
        paymentState,
        now,
      }),
      subscriptionHistory: (customerId: string) => subscriptions.findAllByCustomer(customerId),
      creditNotes,
      refunds: new InvoiceRefundService(invoices, provider, creditNotes, operations),
      vatReports: new VatReportService(new VatReportRepository(prisma), seller.country, timeZone),
    },
    invoiceDocuments,
    loaderSources: {
      customers: new CustomerReader(customers, customerCache),
      customerProjection,
      subscriptions,
      paymentMethods,
      invoices,
      invoicePages: invoiceService,
      planService: plans,
    },
  };
}

export type BillingDomain = ReturnType<typeof createBillingServices>;
