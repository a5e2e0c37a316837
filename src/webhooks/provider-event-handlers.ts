// Which provider events matter, and what each one triggers: always a re-read of the object through the
// sync, never a write from the event's own (possibly stale) payload. Other events are acknowledged.
import type { CustomerReconciliation } from '../billing/sync/customer-reconciliation.ts';
import type { InvoiceSynchronizer } from '../billing/sync/invoice-synchronizer.ts';
import type { PaymentMethodSynchronizer } from '../billing/sync/payment-method-synchronizer.ts';
import type { SubscriptionSynchronizer } from '../billing/sync/subscription-synchronizer.ts';
import type { InboxEvent, ProviderEventProcessor } from './provider-event-processor.ts';

export const SUBSCRIPTION_EVENTS = [
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'customer.subscription.trial_will_end',
  'customer.subscription.pending_update_applied',
  'customer.subscription.pending_update_expired',
];

export const INVOICE_EVENTS = [
  'invoice.created',
  'invoice.finalized',
  'invoice.updated',
  'invoice.paid',
  'invoice.payment_succeeded',
  'invoice.payment_failed',
  'invoice.payment_action_required',
  'invoice.marked_uncollectible',
  'invoice.voided',
];

/** The customer an attached method now belongs to, from the event as delivered. */
function customerOf(event: InboxEvent): string | null {
  const object = (event.payload as { data?: { object?: { customer?: unknown } } }).data?.object;
  return typeof object?.customer === 'string' ? object.customer : null;
}

export interface ProviderObjectSync {
  subscriptions: SubscriptionSynchronizer;
  invoices: InvoiceSynchronizer;
  paymentMethods: PaymentMethodSynchronizer;
  /** A customer's whole state, for what changes all of it (the provider customer deleted). */
  customers: CustomerReconciliation;
}

export function registerProviderEventHandlers(processor: ProviderEventProcessor, sync: ProviderObjectSync): void {
  processor
    .on(SUBSCRIPTION_EVENTS, async (event) => {
      await sync.subscriptions.subscription(event.objectId);
    })
    .on(INVOICE_EVENTS, async (event) => {
      await sync.invoices.invoice(event.objectId);
    })
    .on(['payment_method.attached', 'payment_method.updated'], async (event) => {
      const customer = customerOf(event);
      if (customer) await sync.paymentMethods.paymentMethodsOfProviderCustomer(customer);
    })
    .on(['payment_method.detached'], async (event) => {
      await sync.paymentMethods.detachedPaymentMethod(event.objectId);
    })
    .on(['setup_intent.succeeded'], async (event) => {
      await sync.paymentMethods.setupIntent(event.objectId);
    })
    .on(['customer.deleted'], async (event) => {
      await sync.customers.providerCustomer(event.objectId);
    });
}
