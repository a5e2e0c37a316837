// The Prisma types repositories and domain code share, re-exported from one place so the generated
// client's location is known to a single module.
export type {
  AuditEntry as AuditEntryRecord,
  Customer as CustomerRecord,
  Invoice as InvoiceRecord,
  InvoiceLine as InvoiceLineRecord,
  PaymentMethod as PaymentMethodRecord,
  Plan as PlanRecord,
  PlanPrice as PlanPriceRecord,
  Subscription as SubscriptionRecord,
  PrismaClient,
} from '../generated/prisma/client.ts';
