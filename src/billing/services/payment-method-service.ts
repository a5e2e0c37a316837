import type { PaymentMethod } from '../payment-methods/payment-method.ts';
import { ProviderRequestError, type PaymentProvider, type SetupPaymentMethodType } from '../ports/payment-provider.ts';
import type { BillingOwner } from '../billing-owner.ts';
import type { RemovePaymentMethodOutcome, SetupOutcome } from './billing-results.ts';
import type { CustomerService } from './customer-service.ts';
import { notFound } from '../errors.ts';
import type { BillingOperations } from '../operations/billing-operations.ts';
import type { SubscriptionRepository } from '../subscriptions/subscription-repository.ts';
import type { PaymentMethodSynchronizer } from '../sync/payment-method-synchronizer.ts';
import type { PaymentMethodRepository } from '../payment-methods/payment-method-repository.ts';

/** Statuses in which the subscription is still being paid for: its last payment method must stay. */
const PAID_STATUSES = new Set(['ACTIVE', 'TRIALING', 'PAST_DUE', 'UNPAID']);

export interface PaymentMethodServiceDependencies {
  customers: CustomerService;
  paymentMethods: PaymentMethodRepository;
  subscriptions: SubscriptionRepository;
  provider: PaymentProvider;
  paymentMethodSync: PaymentMethodSynchronizer;
  operations: BillingOperations;
}

export class PaymentMethodService {
  constructor(private readonly deps: PaymentMethodServiceDependencies) {}

  /**
   * Starts saving a method of `type`: the browser confirms the returned client secret with the provider's SDK,
   * which takes the method's details, PayPal's redirect and the SEPA mandate acceptance from the customer's
   * device straight to the provider, so none of it reaches us.
   */
  async startSetup(
    owner: BillingOwner,
    type: SetupPaymentMethodType,
  ): Promise<{ setupIntentId: string; clientSecret: string }> {
    const { id: customerId } = await this.deps.customers.ensure(owner);
    return this.deps.operations.run(customerId, 'START_PAYMENT_METHOD_SETUP', async (operation) => {
      const customer = await this.deps.customers.ensureProviderCustomer(owner);
      const intent = await this.deps.provider.createSetupIntent(
        customer.providerCustomerId,
        type,
        `setup:${operation.id}`,
      );
      return { setupIntentId: intent.id, clientSecret: intent.clientSecret };
    });
  }

  /**
   * The browser's return: records the method the provider confirmed. The webhook does the same; both
   * re-read the provider and meet on one row, keyed by the provider's id.
   */
  async completeSetup(owner: BillingOwner, setupIntentId: string): Promise<SetupOutcome> {
    const customer = await this.deps.customers.require(owner);
    // An id the provider does not know is the caller's mistake; an outage is not, and propagates.
    const intent = await this.deps.provider.retrieveSetupIntent(setupIntentId).catch((error: unknown) => {
      if (error instanceof ProviderRequestError) return null;
      throw error;
    });
    if (!intent || !customer.providerCustomerId || intent.customerId !== customer.providerCustomerId)
      throw notFound('setup');
    if (intent.status === 'requires_action')
      return { kind: 'setup_requires_action', clientSecret: intent.clientSecret, redirectUrl: intent.redirectUrl };
    if (intent.status !== 'succeeded' || !intent.paymentMethodId)
      return { kind: 'setup_incomplete', status: intent.status };
    await this.deps.paymentMethodSync.paymentMethods(customer);
    const saved = await this.deps.paymentMethods.findByProviderId(intent.paymentMethodId);
    if (!saved) throw notFound('payment method');
    return { kind: 'payment_method_saved', paymentMethod: saved };
  }

  /** The provider charges the default: the customer's invoice settings and the live subscription change too. */
  async setDefault(owner: BillingOwner, paymentMethodId: string): Promise<PaymentMethod> {
    const { id: customerId } = await this.deps.customers.require(owner);
    return this.deps.operations.run(customerId, 'SET_DEFAULT_PAYMENT_METHOD', (operation) =>
      this.makeDefault(owner, paymentMethodId, operation.id),
    );
  }

  private async makeDefault(owner: BillingOwner, paymentMethodId: string, operationId: string): Promise<PaymentMethod> {
    const { customer, method } = await this.owned(owner, paymentMethodId);
    const key = `default:${operationId}`;
    await this.deps.provider.setDefaultPaymentMethod(customer.providerCustomerId, method.providerPaymentMethodId, key);
    const live = await this.deps.subscriptions.findLive(customer.id);
    if (live)
      await this.deps.provider.setSubscriptionDefaultPaymentMethod(
        live.providerSubscriptionId,
        method.providerPaymentMethodId,
        `${key}:subscription`,
      );
    return this.deps.paymentMethodSync.recordDefault(customer.id, method.id);
  }

  /**
   * Under the customer's lock, so two removals at once (on any replicas) cannot both see "another method
   * remains" and leave a paid subscription with none.
   */
  async remove(owner: BillingOwner, paymentMethodId: string): Promise<RemovePaymentMethodOutcome> {
    const customer = await this.deps.customers.require(owner);
    // Ownership is checked inside, against the state the serialized removal sees.
    return this.deps.operations.run(customer.id, 'REMOVE_PAYMENT_METHOD', (operation) =>
      this.removeOwned(owner, paymentMethodId, operation.id),
    );
  }

  private async removeOwned(
    owner: BillingOwner,
    paymentMethodId: string,
    operationId: string,
  ): Promise<RemovePaymentMethodOutcome> {
    const { customer, method } = await this.owned(owner, paymentMethodId);
    const methods = await this.deps.paymentMethods.findByCustomerIds([customer.id]);
    const live = await this.deps.subscriptions.findLive(customer.id);
    if (methods.length === 1 && live && PAID_STATUSES.has(live.status)) return { kind: 'last_payment_method_required' };
    await this.deps.provider.detachPaymentMethod(method.providerPaymentMethodId, `detach:${method.id}`);
    // Our rows become the provider's, under the lock the webhook's sync of them takes too: the detach's own
    // webhook may already be removing the row, and two writers must not race on the one default.
    await this.deps.paymentMethodSync.paymentMethods(customer);
    if (!method.isDefault) return { kind: 'payment_method_removed', id: method.id };
    // The sync made the oldest remaining method our default; the provider must charge it too.
    const next = (await this.deps.paymentMethods.findByCustomerIds([customer.id])).find((m) => m.isDefault);
    if (next) await this.makeDefault(owner, next.id, operationId);
    return { kind: 'payment_method_removed', id: method.id };
  }

  private async owned(owner: BillingOwner, paymentMethodId: string) {
    const customer = await this.deps.customers.require(owner);
    const method = await this.deps.paymentMethods.findById(paymentMethodId);
    // Someone else's method reads as absent: its existence is not the caller's business.
    if (!method || method.customerId !== customer.id || !customer.providerCustomerId) throw notFound('payment method');
    return { customer: { ...customer, providerCustomerId: customer.providerCustomerId }, method };
  }
}
