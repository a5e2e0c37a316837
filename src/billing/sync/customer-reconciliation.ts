// Repairs one customer from scratch: every subscription, invoice and payment method the provider holds for
// it, through the synchronizer of each object.
import type { Customer } from '../customers/customer.ts';
import type { CustomerRepository } from '../customers/customer-repository.ts';
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
    private readonly customers: CustomerRepository,
    private readonly subscriptionSync: SubscriptionSynchronizer,
    private readonly invoiceSync: InvoiceSynchronizer,
    private readonly paymentMethodSync: PaymentMethodSynchronizer,
    private readonly paymentState: PaymentStateService,
    private readonly locks: DatabaseLocks,
  ) {}

  /**
   * Everything of one customer, from scratch, under the customer's lock (so no mutation of it is half
   * done): what a lost webhook or a crashed attempt left behind is repaired here. A provider customer deleted
   * at the provider (its subscriptions ended there with it) leaves us its ended subscriptions and its
   * invoices, no payment method, and no provider customer: the next payment makes another.
   */
  async reconcile(customer: Customer): Promise<void> {
    if (!customer.providerCustomerId) return;
    await this.locks.withLock(customerLockKey(customer.id), async () => {
      // Read again under the lock: the caller's row may name a provider customer forgotten since (deleted
      // there) while another was attached; a sync of the old one would remove the new one's methods.
      const current = await this.customers.findById(customer.id);
      if (!current?.providerCustomerId) return;
      const { providerCustomerId } = current;
      await this.subscriptionSync.subscriptionsOf(current);
      // Oldest first, so invoices a lost webhook left unissued are numbered in the order they were finalized.
      const invoices = await this.provider.listInvoices(providerCustomerId);
      invoices.sort((a, b) => (a.finalizedAt ?? a.createdAt).getTime() - (b.finalizedAt ?? b.createdAt).getTime());
      for (const invoice of invoices) await this.invoiceSync.applyInvoice(current, invoice);
      const exists = await this.paymentMethodSync.paymentMethods(current);
      if (!exists) await this.customers.forgetProviderCustomer(current.id, providerCustomerId);
      await this.paymentState.refresh(current.id);
    });
  }

  async reconcileById(customerId: string): Promise<void> {
    const customer = await this.customers.findById(customerId);
    if (customer) await this.reconcile(customer);
  }

  /** The provider's `customer.deleted`; false when the provider customer is not one of ours. */
  async providerCustomer(providerCustomerId: string): Promise<boolean> {
    const customer = await this.customers.findByProviderCustomerId(providerCustomerId);
    if (!customer) return false;
    await this.reconcile(customer);
    return true;
  }
}
