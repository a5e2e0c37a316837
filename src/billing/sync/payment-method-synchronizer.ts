// Our payment methods of a customer follow the provider's, under the customer's payment-methods lock
// (see subscription-synchronizer.ts for why every sync re-reads).
import type { Customer } from '../customers/customer.ts';
import type { PaymentProvider } from '../ports/payment-provider.ts';
import type { DatabaseLocks } from '../../db/database-locks.ts';
import type { CustomerRepository } from '../customers/customer-repository.ts';
import type { PaymentMethodRepository } from '../payment-methods/payment-method-repository.ts';
import type { PaymentMethod } from '../payment-methods/payment-method.ts';

const lockKey = (customerId: string) => `payment-methods:${customerId}`;

export interface PaymentMethodSyncRepositories {
  customers: CustomerRepository;
  paymentMethods: PaymentMethodRepository;
}

export class PaymentMethodSynchronizer {
  constructor(
    private readonly provider: PaymentProvider,
    private readonly repositories: PaymentMethodSyncRepositories,
    private readonly locks: DatabaseLocks,
  ) {}

  /**
   * Our payment methods of a customer become exactly the provider's, its default included. False when the
   * provider customer was deleted there: it has no methods any more, and neither do we.
   */
  async paymentMethods(customer: Customer): Promise<boolean> {
    return this.locks.withLock(lockKey(customer.id), () => this.writePaymentMethods(customer));
  }

  /**
   * Our default becomes `paymentMethodId` once the provider's has. Under the sync's lock: a sync that read the
   * provider before the change must not write its older default over this one (a webhook's, on any replica).
   */
  async recordDefault(customerId: string, paymentMethodId: string): Promise<PaymentMethod> {
    return this.locks.withLock(lockKey(customerId), () =>
      this.repositories.paymentMethods.makeDefault(customerId, paymentMethodId),
    );
  }

  private async writePaymentMethods(customer: Customer): Promise<boolean> {
    if (!customer.providerCustomerId) return true;
    const providerCustomer = await this.provider.retrieveCustomer(customer.providerCustomerId);
    if (providerCustomer.deleted) {
      await this.repositories.paymentMethods.removeAllExcept(customer.id, []);
      return false;
    }
    const providerDefault = providerCustomer.defaultPaymentMethodId;
    const methods = await this.provider.listPaymentMethods(customer.providerCustomerId);
    for (const method of methods) await this.repositories.paymentMethods.upsert(customer.id, method);
    await this.repositories.paymentMethods.removeAllExcept(
      customer.id,
      methods.map((method) => method.id),
    );
    const chosen = providerDefault ? await this.repositories.paymentMethods.findByProviderId(providerDefault) : null;
    if (chosen && !chosen.isDefault) await this.repositories.paymentMethods.makeDefault(customer.id, chosen.id);
    if (!chosen) await this.repositories.paymentMethods.promoteOldestToDefault(customer.id);
    return true;
  }

  async paymentMethodsOfProviderCustomer(providerCustomerId: string): Promise<boolean> {
    const customer = await this.repositories.customers.findByProviderCustomerId(providerCustomerId);
    if (!customer) return false;
    await this.paymentMethods(customer);
    return true;
  }

  /** A detached method names no customer any more: find whose it was from our own row. */
  async detachedPaymentMethod(providerPaymentMethodId: string): Promise<boolean> {
    const row = await this.repositories.paymentMethods.findByProviderId(providerPaymentMethodId);
    const customer = row && (await this.repositories.customers.findById(row.customerId));
    if (!customer) return false;
    await this.paymentMethods(customer);
    return true;
  }

  async setupIntent(setupIntentId: string): Promise<boolean> {
    const intent = await this.provider.retrieveSetupIntent(setupIntentId);
    if (!intent.customerId) return false;
    return intent.status === 'succeeded' ? this.paymentMethodsOfProviderCustomer(intent.customerId) : true;
  }
}
