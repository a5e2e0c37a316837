import { IDENTITY_FIELDS, type Customer, type LegalIdentity } from '../customers/customer.ts';
import type { PaymentProvider } from '../ports/payment-provider.ts';
import type { BillingOwner } from '../billing-owner.ts';
import type { PaymentStateService } from '../sync/payment-state-service.ts';
import { invalidInput, notFound } from '../errors.ts';
import type { BillingOperations } from '../operations/billing-operations.ts';
import type { PaymentMethodRepository } from '../payment-methods/payment-method-repository.ts';
import type { SubscriptionRepository } from '../subscriptions/subscription-repository.ts';
import type { SubscriptionSynchronizer } from '../sync/subscription-synchronizer.ts';
import type { ProviderTaxRates } from '../vat/provider-tax-rates.ts';
import type { CustomerRepository } from '../customers/customer-repository.ts';
import { validLegalIdentity } from '../customers/legal-identity.ts';

/** What `updateBillingProfile` is given: undefined leaves a field as it is, null clears it. */
export type LegalIdentityChanges = { [Field in keyof LegalIdentity]?: string | null };

function legalIdentityOf(customer: Customer): LegalIdentity {
  return pick(customer, IDENTITY_FIELDS) as LegalIdentity;
}

function pick<T extends object, K extends keyof T>(source: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((key) => [key, source[key]])) as Pick<T, K>;
}

export interface CustomerServiceDependencies {
  customers: CustomerRepository;
  subscriptions: SubscriptionRepository;
  paymentMethods: PaymentMethodRepository;
  paymentState: PaymentStateService;
  provider: PaymentProvider;
  subscriptionSync: SubscriptionSynchronizer;
  taxRates: ProviderTaxRates;
  operations: BillingOperations;
}

export class CustomerService {
  constructor(private readonly deps: CustomerServiceDependencies) {}

  /** The owner's billing profile row, created on the free plan when it has none: idempotent. */
  async ensure(owner: BillingOwner): Promise<Customer> {
    return this.deps.customers.findOrCreate(owner, await this.deps.paymentState.freeEntitlements());
  }

  async require(owner: BillingOwner): Promise<Customer> {
    const customer = await this.deps.customers.findByOwner(owner);
    if (!customer) throw notFound(`billing profile of this ${owner.kind}`);
    return customer;
  }

  /**
   * The provider customer, created at the first payment action and never earlier. It learns only the
   * anonymous id. The idempotency key is the customer's, so concurrent first payments share one.
   */
  async ensureProviderCustomer(owner: BillingOwner): Promise<Customer & { providerCustomerId: string }> {
    const customer = await this.ensure(owner);
    if (customer.providerCustomerId) return { ...customer, providerCustomerId: customer.providerCustomerId };
    // Keyed by the anonymous id: a provider customer deleted there is replaced under a new anonymous id
    // (CustomerRepository.forgetProviderCustomer), where a key of our id would replay the deleted one.
    const { id } = await this.deps.provider.createCustomer(customer.anonymousId, `customer:${customer.anonymousId}`);
    const attached = await this.deps.customers.attachProviderCustomer(customer.id, id);
    return { ...attached, providerCustomerId: attached.providerCustomerId ?? id };
  }

  /**
   * A patch: a field left out keeps its value, a field given as null (or blank) is cleared. The identity
   * that results is validated whole before anything is written (a VAT number must still match the
   * country, a business must still have its name and address), then only the given fields are written.
   * It applies to invoices issued from now on (issued ones keep their snapshot); when the country or the
   * VAT number changes, so does the VAT of the next invoice, and the live subscription's tax rates follow.
   */
  async updateBillingProfile(owner: BillingOwner, changes: LegalIdentityChanges): Promise<Customer> {
    const given = IDENTITY_FIELDS.filter((field) => changes[field] !== undefined);
    const existing = await this.deps.customers.findByOwner(owner);
    // Bad input changes nothing: refused before a profile is created or the lock taken.
    validLegalIdentity({ ...(existing && legalIdentityOf(existing)), ...pick(changes, given) });
    const { id } = existing ?? (await this.ensure(owner));
    // Under the customer's lock, as every provider write: of two concurrent changes (or one and a plan
    // change), the provider's tax rates end on the VAT of the identity written last.
    return this.deps.operations.run(id, 'UPDATE_BILLING_PROFILE', async (operation) => {
      const current = await this.require(owner);
      const identity = validLegalIdentity({ ...legalIdentityOf(current), ...pick(changes, given) });
      const updated = await this.deps.customers.updateLegalIdentity(id, pick(identity, given));
      const vatChanged = current.country !== updated.country || current.vatNumber !== updated.vatNumber;
      // Checked at once, so the profile shows the VAT number's status (VERIFIED, UNVERIFIED, ...).
      const decision = await this.deps.taxRates.decide(updated);
      const live = vatChanged ? await this.deps.subscriptions.findLive(id) : null;
      if (live) {
        const vat = await this.deps.taxRates.forDecision(decision);
        await this.deps.provider.setSubscriptionTaxRates(
          live.providerSubscriptionId,
          vat.taxRateIds,
          `tax-rates:${operation.id}`,
          vat.tag,
        );
      }
      return (await this.deps.customers.findById(id)) ?? updated;
    });
  }

  async reportStorageUsage(owner: BillingOwner, usedBytes: bigint): Promise<Customer> {
    if (usedBytes < 0n) throw invalidInput('`usedBytes` cannot be negative', 'usedBytes');
    return this.deps.customers.updateUsedStorage((await this.ensure(owner)).id, usedBytes);
  }

  /**
   * Account deletion: the subscription is cancelled at once, every saved payment method detached at the
   * provider (a card of someone gone is kept nowhere), the owner detached; the row and its invoices stay, as
   * the legal records they are. Returns null when the owner never had a profile.
   */
  async close(owner: BillingOwner): Promise<Customer | null> {
    const customer = await this.deps.customers.findByOwner(owner);
    if (!customer) return null;
    return this.deps.operations.run(customer.id, 'CLOSE_CUSTOMER', async () => {
      const live = await this.deps.subscriptions.findLive(customer.id);
      if (live) {
        const ended = await this.deps.provider.cancelSubscriptionNow(live.providerSubscriptionId, `close:${live.id}`);
        await this.deps.subscriptionSync.applySubscription(ended);
      }
      for (const method of await this.deps.paymentMethods.findByCustomerIds([customer.id]))
        await this.deps.provider.detachPaymentMethod(method.providerPaymentMethodId, `close:detach:${method.id}`);
      await this.deps.paymentMethods.removeAllExcept(customer.id, []);
      return this.deps.customers.close(customer, await this.deps.paymentState.freeEntitlements());
    });
  }
}
