import { randomUUID } from 'node:crypto';
import type { CustomerRecord } from '../../db/prisma-types.ts';
import type { PaymentProvider } from '../../payments/payment-provider.ts';
import type { BillingOwner } from '../billing-owner.ts';
import type { PaymentStateService } from '../entitlements/payment-state-service.ts';
import { invalidInput, notFound } from '../errors.ts';
import type { BillingOperations } from '../operations/billing-operations.ts';
import type { SubscriptionRepository } from '../subscriptions/subscription-repository.ts';
import type { ProviderSync } from '../sync/provider-sync.ts';
import type { ProviderTaxRates } from '../vat/provider-tax-rates.ts';
import type { CustomerRepository } from './customer-repository.ts';
import { validLegalIdentity } from './legal-identity.ts';

/** The owner a customer row belongs to; null once closed (the database allows exactly these two cases). */
export function ownerOf(customer: Pick<CustomerRecord, 'userId' | 'groupId'>): BillingOwner | null {
  if (customer.userId) return { kind: 'user', id: customer.userId };
  if (customer.groupId) return { kind: 'group', id: customer.groupId };
  return null;
}

export interface CustomerServiceDependencies {
  customers: CustomerRepository;
  subscriptions: SubscriptionRepository;
  paymentState: PaymentStateService;
  provider: PaymentProvider;
  sync: ProviderSync;
  taxRates: ProviderTaxRates;
  operations: BillingOperations;
}

export class CustomerService {
  constructor(private readonly deps: CustomerServiceDependencies) {}

  findById(id: string): Promise<CustomerRecord | null> {
    return this.deps.customers.findById(id);
  }

  /** The owner's billing profile row, created on the free plan when it has none: idempotent. */
  async ensure(owner: BillingOwner): Promise<CustomerRecord> {
    return this.deps.customers.findOrCreate(owner, await this.deps.paymentState.freeEntitlements());
  }

  async require(owner: BillingOwner): Promise<CustomerRecord> {
    const customer = await this.deps.customers.findByOwner(owner);
    if (!customer) throw notFound(`billing profile of this ${owner.kind}`);
    return customer;
  }

  /**
   * The provider customer, created at the first payment action and never earlier. It learns only the
   * anonymous id. The idempotency key is the customer's, so concurrent first payments share one.
   */
  async ensureProviderCustomer(owner: BillingOwner): Promise<CustomerRecord & { providerCustomerId: string }> {
    const customer = await this.ensure(owner);
    if (customer.providerCustomerId) return { ...customer, providerCustomerId: customer.providerCustomerId };
    const { id } = await this.deps.provider.createCustomer(customer.anonymousId, `customer:${customer.id}`);
    const attached = await this.deps.customers.attachProviderCustomer(customer.id, id);
    return { ...attached, providerCustomerId: attached.providerCustomerId ?? id };
  }

  /**
   * The identity applies to invoices issued from now on (issued ones keep their snapshot). A change of
   * country or VAT number changes the VAT of the next invoice: the live subscription's tax rates follow.
   */
  async updateBillingProfile(owner: BillingOwner, input: Parameters<typeof validLegalIdentity>[0]): Promise<CustomerRecord> {
    const identity = validLegalIdentity(input);
    const updated = await this.deps.customers.updateLegalIdentity((await this.ensure(owner)).id, identity);
    // Checked at once, so the profile shows the VAT number's status (VERIFIED, UNVERIFIED, ...).
    const decision = await this.deps.taxRates.decide(updated);
    const live = await this.deps.subscriptions.findLive(updated.id);
    if (live) {
      const vat = await this.deps.taxRates.forDecision(decision);
      await this.deps.provider.setSubscriptionTaxRates(live.providerSubscriptionId, vat.taxRateIds, `tax-rates:${live.id}:${randomUUID()}`, vat.tag);
    }
    return (await this.deps.customers.findById(updated.id)) ?? updated;
  }

  async reportStorageUsage(owner: BillingOwner, usedBytes: bigint): Promise<CustomerRecord> {
    if (usedBytes < 0n) throw invalidInput('`usedBytes` cannot be negative', 'usedBytes');
    return this.deps.customers.updateUsedStorage((await this.ensure(owner)).id, usedBytes);
  }

  /**
   * Account deletion: the subscription is cancelled at once, the owner detached; the row and its invoices
   * stay, as the legal records they are. Returns null when the owner never had a profile.
   */
  async close(owner: BillingOwner): Promise<CustomerRecord | null> {
    const customer = await this.deps.customers.findByOwner(owner);
    if (!customer) return null;
    return this.deps.operations.run(customer.id, 'CLOSE_CUSTOMER', async () => {
      const live = await this.deps.subscriptions.findLive(customer.id);
      if (live) {
        const ended = await this.deps.provider.cancelSubscriptionNow(live.providerSubscriptionId, `close:${live.id}`);
        await this.deps.sync.applySubscription(ended);
      }
      return this.deps.customers.close(customer, await this.deps.paymentState.freeEntitlements());
    });
  }
}
