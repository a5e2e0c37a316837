import type { Logger } from 'pino';
import type { CustomerService } from '../billing/customers/customer-service.ts';
import type { InvoiceService } from '../billing/invoices/invoice-service.ts';
import type { PlanService } from '../billing/plans/plan-service.ts';
import type { Viewer } from '../auth/viewer.ts';
import type { BillingLoaders } from './loaders.ts';

export interface BillingServices {
  plans: PlanService;
  customers: CustomerService;
  invoices: InvoiceService;
}

export interface GraphQLContext {
  /** Null only for the anonymous `_service { sdl }` query the gateway may send at composition. */
  viewer: Viewer | null;
  loaders: BillingLoaders;
  services: BillingServices;
  requestId: string;
  logger: Logger;
}
