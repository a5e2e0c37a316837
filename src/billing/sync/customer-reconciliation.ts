// Repairs one customer from scratch: every subscription, invoice and payment method the provider holds for
// it, through the synchronizer of each object.
import type { Customer } from '../customers/customer.ts';
import type { PaymentProvider } from '../ports/payment-provider.ts';
import type { DatabaseLocks } from '../../db/database-locks.ts';
import { customerLockKey } from '../operations/billing-operations.ts';
import type { PaymentStateService } from './payment-state-service.ts';
import type { InvoiceSynchronizer } from './invoice-synchronizer.ts';
import type { PaymentMethodSynchronizer } from './payment-method-synchronizer.ts';
import type { SubscriptionSynchronizer } from './subscription-synchronizer.ts';

export class CustomerReconciliation {
  constructor(
    private readonly provider: PaymentProvider,
    private readonly subscriptionSync: SubscriptionSynchronizer,
    private readonly invoiceSync: InvoiceSynchronizer,
    private readonly paymentMethodSync: PaymentMethodSynchronizer,
    private readonly paymentState: PaymentStateService,
    private readonly locks: DatabaseLocks,
  ) {}

  /**
   * Everything of one customer, from scratch, under the customer's lock (so no mutation of it is half
   * done): what a lost webhook or a crashed attempt left behind is repaired here.
   */
  async reconcile(customer: Customer): Promise<void> {
    const { providerCustomerId } = customer;
    if (!providerCustomerId) return;
    await this.locks.withLock(customerLockKey(customer.id), async () => {
      await this.subscriptionSync.subscriptionsOf(customer);
      // Oldest first, so invoices a lost webhook left unissued are numbered in the order they were finalized.
      const invoices = await this.provider.listInvoices(providerCustomerId);
      invoices.sort((a, b) => (a.finalizedAt ?? a.createdAt).getTime() - (b.finalizedAt ?? b.createdAt).getTime());
      for (const invoice of invoices) await this.invoiceSync.applyInvoice(customer, invoice);
      await this.paymentMethodSync.paymentMethods(customer);
      await this.paymentState.refresh(customer.id);
    });
  }
}
