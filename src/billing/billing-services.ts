// Builds the billing domain: repositories on one Prisma client, the caches, and the services that use
// them. The composition root calls it once per process.
import type { Logger } from 'pino';
import type { PrismaClient } from '../db/prisma-types.ts';
import type { PaymentProvider } from '../payments/payment-provider.ts';
import { CustomerCache } from './customers/customer-cache.ts';
import { CustomerReader } from './customers/customer-reader.ts';
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

export interface BillingSettings {
  customerCache: { maxEntries: number; ttlMs: number };
  planCatalogTtlMs: number;
  gracePeriodDays: number;
}

export function createBillingServices(prisma: PrismaClient, provider: PaymentProvider, settings: BillingSettings, logger: Logger) {
  const customerCache = new CustomerCache(settings.customerCache);
  const customers = new CustomerRepository(prisma, (ownerKey) => customerCache.invalidate(ownerKey));
  const subscriptions = new SubscriptionRepository(prisma);
  const invoices = new InvoiceRepository(prisma);
  const paymentMethods = new PaymentMethodRepository(prisma);
  const plans = new PlanService(new PlanRepository(prisma), { ttlMs: settings.planCatalogTtlMs });
  const paymentState = new PaymentStateService(customers, subscriptions, invoices, plans, settings.gracePeriodDays);
  const sync = new ProviderSync(provider, { customers, subscriptions, invoices, paymentMethods }, plans, paymentState, logger);
  const customerService = new CustomerService({ customers, subscriptions, paymentState, provider, sync });
  return {
    customerCache,
    paymentState,
    customers,
    services: {
      plans,
      customers: customerService,
      invoices: new InvoiceService(invoices),
      invoicePayments: new InvoicePaymentService(invoices, paymentMethods, subscriptions, provider, sync),
      paymentMethods: new PaymentMethodService({ customers: customerService, paymentMethods, subscriptions, provider, sync }),
      subscriptions: new SubscriptionService({ customers: customerService, subscriptions, paymentMethods, plans, provider, sync }),
      sync,
    },
    loaderSources: {
      customers: new CustomerReader(customers, customerCache),
      subscriptions,
      paymentMethods,
      invoices,
      planService: plans,
    },
  };
}

export type BillingDomain = ReturnType<typeof createBillingServices>;
