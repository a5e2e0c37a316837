import type { VatReportService } from '../billing/vat/vat-report-service.ts';
import type { Logger } from 'pino';
import type { AuditLog } from '../billing/audit/audit-log.ts';
import type { CustomerExceptions } from '../billing/services/customer-exceptions.ts';
import type { CustomerSearchRepository } from '../billing/customers/customer-search-repository.ts';
import type { InvoiceListing } from '../billing/invoices/invoice-listing.ts';
import type { InvoiceCollectionAdmin } from '../billing/services/invoice-collection-admin.ts';
import type { Subscription } from '../billing/subscriptions/subscription.ts';
import type { ProviderEventReplay } from '../webhooks/provider-event-replay.ts';
import type { CustomerService } from '../billing/services/customer-service.ts';
import type { InvoicePaymentService } from '../billing/services/invoice-payment-service.ts';
import type { InvoiceService } from '../billing/invoices/invoice-service.ts';
import type { InvoiceLinkSigner } from '../billing/invoices/invoice-links.ts';
import type { PaymentMethodService } from '../billing/services/payment-method-service.ts';
import type { SubscriptionService } from '../billing/services/subscription-service.ts';
import type { CustomerReconciliation } from '../billing/sync/customer-reconciliation.ts';
import type { PlanService } from '../billing/plans/plan-service.ts';
import type { PlanCatalogAdmin } from '../billing/plans/plan-catalog-admin.ts';
import type { Viewer } from '../auth/viewer.ts';
import type { BillingLoaders } from './loaders.ts';
import type { InvoiceRefundService } from '../billing/invoices/invoice-refund-service.ts';

export interface BillingServices {
  plans: PlanService;
  customers: CustomerService;
  invoices: InvoiceService;
  invoicePayments: InvoicePaymentService;
  paymentMethods: PaymentMethodService;
  subscriptions: SubscriptionService;
  reconciliation: CustomerReconciliation;
  invoiceLinks: InvoiceLinkSigner;
  audit: AuditLog;
  planCatalog: PlanCatalogAdmin;
  customerSearch: CustomerSearchRepository;
  invoiceListing: InvoiceListing;
  invoiceCollection: InvoiceCollectionAdmin;
  refunds: InvoiceRefundService;
  customerExceptions: CustomerExceptions;
  subscriptionHistory(customerId: string): Promise<Subscription[]>;
  /** Built with the webhook inbox, outside the billing domain. */
  providerEvents: ProviderEventReplay;
  vatReports: VatReportService;
}

export interface GraphQLContext {
  /** Null only for the anonymous `_service { sdl }` query the gateway may send at composition. */
  viewer: Viewer | null;
  loaders: BillingLoaders;
  services: BillingServices;
  requestId: string;
  logger: Logger;
}
