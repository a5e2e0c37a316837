// Builds the billing domain: repositories on one Prisma client, the caches, and the services that use
// them. The composition root calls it once per process.
import type { Logger } from 'pino';
import type { Database } from '../db/database.ts';
import type { PaymentProvider } from '../payments/payment-provider.ts';
import { CustomerCache } from './customers/customer-cache.ts';
import { CustomerProjection } from './customers/customer-projection.ts';
import { CustomerReader } from './customers/customer-reader.ts';
import { CustomerStateReader } from './customers/customer-state-reader.ts';
import { CustomerRepository } from './customers/customer-repository.ts';
import { CustomerService } from './customers/customer-service.ts';
import { PaymentStateService } from './entitlements/payment-state-service.ts';
import { InvoicePaymentService } from './invoices/invoice-payment-service.ts';
import { InvoiceRepository } from './invoices/invoice-repository.ts';
import { InvoiceService } from './invoices/invoice-service.ts';
import { PaymentMethodRepository } from './payment-methods/payment-method-repository.ts';
import { PaymentMethodService } from './payment-methods/payment-method-service.ts';
import { PlanRepository } from './plans/plan-repository.ts';
import { PlanService } from './plans/plan-service.ts';
import { SubscriptionRepository } from './subscriptions/subscription-repository.ts';
import { SubscriptionService } from './subscriptions/subscription-service.ts';
import { ProviderSync } from './sync/provider-sync.ts';
import { InvoiceIssuer } from './invoices/invoice-issuer.ts';
import { InvoiceDocumentService } from './invoices/invoice-document-service.ts';
import { InvoiceLinkSigner } from './invoices/invoice-links.ts';
import { InvoiceNumberAllocator } from './invoices/invoice-number-allocator.ts';
import { CustomerVat } from './vat/customer-vat.ts';
import { ProviderTaxRates } from './vat/provider-tax-rates.ts';
import { OfflineVatNumberVerifier, ViesVatNumberVerifier } from './vat/vat-number-check.ts';
import type { Config } from '../config.ts';

export interface BillingSettings {
  customerCache: { maxEntries: number; ttlMs: number };
  /** Owners held in the hot-field projection; 0 disables it. */
  customerProjectionEntries: number;
  planCatalogTtlMs: number;
  gracePeriodDays: number;
  invoicing: Config['invoicing'];
}

export function createBillingServices(database: Pick<Database, 'prisma' | 'executeSql'>, provider: PaymentProvider, settings: BillingSettings, logger: Logger) {
  const { prisma } = database;
  const customerCache = new CustomerCache(settings.customerCache);
  const customers = new CustomerRepository(prisma, (ownerKey) => {
    customerCache.invalidate(ownerKey);
    customerProjection.changed(ownerKey);
  });
  const customerProjection = new CustomerProjection(new CustomerStateReader(database.executeSql), { maxEntries: settings.customerProjectionEntries, logger });
  const subscriptions = new SubscriptionRepository(prisma);
  const invoices = new InvoiceRepository(prisma);
  const paymentMethods = new PaymentMethodRepository(prisma);
  const plans = new PlanService(new PlanRepository(prisma), { ttlMs: settings.planCatalogTtlMs });
  const paymentState = new PaymentStateService(customers, subscriptions, invoices, plans, settings.gracePeriodDays);
  const { seller, numberTemplate, timeZone, viesCheck, linkSecret, publicBaseUrl, linkTtlSeconds } = settings.invoicing;
  const vat = new CustomerVat(seller.country, viesCheck ? new ViesVatNumberVerifier() : new OfflineVatNumberVerifier());
  const issuer = new InvoiceIssuer(prisma, new InvoiceNumberAllocator({ template: numberTemplate, timeZone }), seller, vat);
  const taxRates = new ProviderTaxRates(provider, vat);
  const sync = new ProviderSync(provider, { customers, subscriptions, invoices, paymentMethods }, plans, paymentState, issuer, logger);
  const customerService = new CustomerService({ customers, subscriptions, paymentState, provider, sync, taxRates });
  return {
    customerCache,
    customerProjection,
    paymentState,
    customers,
    services: {
      plans,
      customers: customerService,
      invoices: new InvoiceService(invoices),
      invoicePayments: new InvoicePaymentService(invoices, paymentMethods, subscriptions, provider, sync),
      paymentMethods: new PaymentMethodService({ customers: customerService, paymentMethods, subscriptions, provider, sync }),
      subscriptions: new SubscriptionService({ customers: customerService, subscriptions, paymentMethods, plans, provider, sync, taxRates }),
      sync,
      invoiceLinks: new InvoiceLinkSigner(linkSecret, publicBaseUrl, linkTtlSeconds),
    },
    invoiceDocuments: new InvoiceDocumentService(invoices, timeZone),
    loaderSources: {
      customers: new CustomerReader(customers, customerCache),
      customerProjection,
      subscriptions,
      paymentMethods,
      invoices,
      planService: plans,
    },
  };
}

export type BillingDomain = ReturnType<typeof createBillingServices>;
