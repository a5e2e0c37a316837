import type { Invoice } from '../invoices/invoice.ts';
import type { Plan, PlanPrice } from '../plans/plan.ts';
import type { Subscription } from '../subscriptions/subscription.ts';
import type {
  PaymentOutcome,
  PaymentProvider,
  PlanChangePreview,
  ProviderSubscription,
} from '../ports/payment-provider.ts';
import type { BillingOwner } from '../billing-owner.ts';
import type { ChangePlanOutcome, SubscribeOutcome, SubscriptionUpdateOutcome } from './billing-results.ts';
import type { CustomerService } from './customer-service.ts';
import { BillingDomainError, invalidInput, notFound } from '../errors.ts';
import type { BillingInterval } from '../money.ts';
import type { PaymentMethodRepository } from '../payment-methods/payment-method-repository.ts';
import type { BillingOperations } from '../operations/billing-operations.ts';
import type { PlanService } from '../plans/plan-service.ts';
import type { InvoiceSynchronizer } from '../sync/invoice-synchronizer.ts';
import type { SubscriptionSynchronizer } from '../sync/subscription-synchronizer.ts';
import type { SubscriptionRepository } from '../subscriptions/subscription-repository.ts';
import type { ProviderTaxRates } from '../vat/provider-tax-rates.ts';
import type { InvoiceRepository } from '../invoices/invoice-repository.ts';

export interface SubscriptionServiceDependencies {
  customers: CustomerService;
  subscriptions: SubscriptionRepository;
  paymentMethods: PaymentMethodRepository;
  plans: PlanService;
  provider: PaymentProvider;
  subscriptionSync: SubscriptionSynchronizer;
  invoiceSync: InvoiceSynchronizer;
  taxRates: ProviderTaxRates;
  invoices: InvoiceRepository;
  operations: BillingOperations;
}

export class SubscriptionService {
  constructor(private readonly deps: SubscriptionServiceDependencies) {}

  /**
   * Subscribes the owner with its default payment method. Never a second live subscription: an owner
   * already subscribed gets `already_subscribed` (a double click's second call, which waits for the first
   * under the customer's lock); an attempt still waiting for 3-D Secure on the same plan and card is
   * answered again with its challenge (a double click makes no second provider subscription); any other
   * attempt left incomplete (declined, or another plan or card chosen since) is cancelled and replaced.
   */
  async subscribe(owner: BillingOwner, planId: string, interval: BillingInterval): Promise<SubscribeOutcome> {
    const { plan, price } = await this.sellable(planId, interval);
    const { id: customerId } = await this.deps.customers.ensure(owner);
    return this.deps.operations.run(customerId, 'SUBSCRIBE', async (operation) => {
      const customer = await this.deps.customers.ensureProviderCustomer(owner);
      // An earlier attempt may have been charged at the provider and never recorded here: adopt it first.
      if (operation.previousUnsettled) await this.deps.subscriptionSync.subscriptionsOf(customer);
      const live = await this.deps.subscriptions.findLive(customer.id);
      if (live && live.status !== 'INCOMPLETE') return { kind: 'already_subscribed', subscription: live };
      const method = (await this.deps.paymentMethods.findByCustomerIds([customer.id])).find((m) => m.isDefault);
      if (!method) return { kind: 'payment_method_required' };
      const providerPriceId = await this.providerPrice(plan, price);
      if (live) {
        if (await this.firstPaymentInFlight(live)) return { kind: 'already_subscribed', subscription: live };
        const challenge = await this.pendingChallenge(live, providerPriceId, method.providerPaymentMethodId);
        if (challenge) return { kind: 'requires_action', clientSecret: challenge, subscription: live };
        await this.abandon(live);
      }

      // The VAT of the first invoice is decided here, once: the provider charges it and carries its tag.
      const vat = await this.deps.taxRates.forCustomer(customer);
      const charge = await this.deps.provider.createSubscription(
        {
          customerId: customer.providerCustomerId,
          priceId: providerPriceId,
          paymentMethodId: method.providerPaymentMethodId,
          taxRateIds: vat.taxRateIds,
          vatDecision: vat.tag,
        },
        `subscribe:${operation.id}`,
      );
      // A first debit the bank is processing is the subscription already, `incomplete` until it settles.
      const subscribed = (subscription: Subscription) => ({ kind: 'subscribed' as const, subscription });
      return this.recordCharge(charge, subscribed, subscribed);
    });
  }

  async previewPlanChange(owner: BillingOwner, planId: string, interval: BillingInterval): Promise<PlanChangePreview> {
    const { plan, price } = await this.sellable(planId, interval);
    const live = await this.requireLive(owner);
    return this.deps.provider.previewSubscriptionPriceChange(
      live.providerSubscriptionId,
      await this.providerPrice(plan, price),
    );
  }

  /**
   * Takes effect at once, prorated and invoiced now (a downgrade's unused time becomes a credit), but only
   * once that invoice is paid: declined or awaiting 3-D Secure, the customer stays on the old plan and its
   * entitlements, the change pending (`pendingChange`) until paid (the webhook's sync then moves them) or
   * dropped by the provider after 23 hours. Paid by SEPA Direct Debit (Stripe offers no pending changes with
   * bank debits), a debit failing at once leaves the old plan, and one the bank is processing applies the
   * change (`payment_processing`) and settles days later like a renewal. Refused when the used storage
   * exceeds the new plan's; CONFLICT when the subscription moved since it was read.
   */
  async changePlan(
    owner: BillingOwner,
    planId: string,
    interval: BillingInterval,
    expectedVersion: number,
  ): Promise<ChangePlanOutcome> {
    const { plan, price } = await this.sellable(planId, interval);
    const { id: customerId } = await this.deps.customers.require(owner);
    return this.deps.operations.run(customerId, 'CHANGE_PLAN', async () => {
      const customer = await this.deps.customers.require(owner);
      const live = await this.liveOf(customer.id);
      // A request made on a version that moved since (a double click's second) is a conflict first.
      if (live.version !== expectedVersion) return this.conflict(live.id);
      if (live.priceId === price.id)
        throw invalidInput('the subscription is already on this plan and interval', 'planId');
      if (customer.usedStorageBytes > plan.driveStorageBytes) {
        return {
          kind: 'downgrade_refused',
          usedStorageBytes: customer.usedStorageBytes,
          newLimitBytes: plan.driveStorageBytes,
        };
      }
      if (!(await this.deps.subscriptions.claimVersion(live.id, expectedVersion))) return this.conflict(live.id);
      const providerPriceId = await this.providerPrice(plan, price);
      const method = (await this.deps.paymentMethods.findByCustomerIds([customer.id])).find((m) => m.isDefault);
      const whenUnpaid = method?.type === 'SEPA_DEBIT' ? 'refuse' : 'keep_pending';
      // Keyed by the version claimed under the lock: a retry of a failed call (the version given back)
      // replays the same request at the provider instead of making a second change.
      const charge = await this.releasingOnFailure(live.id, expectedVersion, async () => {
        await this.dropPendingChange(live);
        // The invoice this change produces at once charges the new supply with the VAT decided now, and names
        // it; the provider credits the unused time at the rates it was billed at, as its credit note states.
        const vat = await this.deps.taxRates.forCustomer(customer);
        await this.deps.provider.setSubscriptionTaxRates(
          live.providerSubscriptionId,
          vat.taxRateIds,
          `tax-rates:${live.id}:${expectedVersion}`,
          vat.tag,
        );
        const change = await this.deps.provider.changeSubscriptionPrice(
          live.providerSubscriptionId,
          providerPriceId,
          'always_invoice',
          whenUnpaid,
          `change:${live.id}:${expectedVersion}`,
        );
        return change;
      });
      return this.recordCharge(
        charge,
        (subscription) => ({ kind: 'plan_changed', subscription }),
        (subscription, invoice) => ({ kind: 'payment_processing', invoice, subscription }),
      );
    });
  }

  async cancel(owner: BillingOwner, atPeriodEnd: boolean, expectedVersion: number): Promise<SubscriptionUpdateOutcome> {
    const { id: customerId } = await this.deps.customers.require(owner);
    return this.deps.operations.run(customerId, 'CANCEL_SUBSCRIPTION', async () => {
      const live = await this.liveOf(customerId);
      if (!(await this.deps.subscriptions.claimVersion(live.id, expectedVersion))) return this.conflict(live.id);
      const key = `cancel:${live.id}:${expectedVersion}`;
      const updated = await this.releasingOnFailure(live.id, expectedVersion, () =>
        atPeriodEnd
          ? this.deps.provider.setCancelAtPeriodEnd(live.providerSubscriptionId, true, key)
          : this.deps.provider.cancelSubscriptionNow(live.providerSubscriptionId, key),
      );
      await this.deps.subscriptionSync.applySubscription(updated);
      return { kind: 'subscription_updated', subscription: await this.row(updated.id) };
    });
  }

  /** Undoes a scheduled end, whether set here (at period end) or at the provider with a date (`cancel_at`). */
  async resume(owner: BillingOwner, expectedVersion: number): Promise<SubscriptionUpdateOutcome> {
    const { id: customerId } = await this.deps.customers.require(owner);
    return this.deps.operations.run(customerId, 'RESUME_SUBSCRIPTION', async () => {
      const live = await this.liveOf(customerId);
      if (live.version !== expectedVersion) return this.conflict(live.id);
      if (!live.cancelAtPeriodEnd && !live.cancelAt)
        throw invalidInput('the subscription is not scheduled to end', 'subscription');
      if (!(await this.deps.subscriptions.claimVersion(live.id, expectedVersion))) return this.conflict(live.id);
      const updated = await this.releasingOnFailure(live.id, expectedVersion, () =>
        this.deps.provider.setCancelAtPeriodEnd(
          live.providerSubscriptionId,
          false,
          `resume:${live.id}:${expectedVersion}`,
        ),
      );
      await this.deps.subscriptionSync.applySubscription(updated);
      return { kind: 'subscription_updated', subscription: await this.row(updated.id) };
    });
  }

  /**
   * A new choice replaces a change still waiting for its payment: that change's invoice is voided first,
   * so it can never be charged later, nor stay open (and raise the unpaid flag) once nothing is pending.
   */
  private async dropPendingChange(live: Subscription): Promise<void> {
    const invoiceId = live.pendingProviderInvoiceId;
    if (!invoiceId) return;
    const invoice = await this.deps.provider.retrieveInvoice(invoiceId);
    if (invoice.status === 'OPEN') await this.deps.provider.voidInvoice(invoiceId, `void:${invoiceId}`);
    await this.deps.invoiceSync.invoice(invoiceId);
  }

  /**
   * An incomplete attempt whose first payment is a direct debit the bank is processing (SEPA, days): the money
   * is on its way, so the attempt is the subscription, never abandoned for a new one.
   */
  private async firstPaymentInFlight(incomplete: Subscription): Promise<boolean> {
    const attempt = await this.deps.provider.retrieveSubscription(incomplete.providerSubscriptionId);
    if (attempt.status !== 'INCOMPLETE' || !attempt.latestInvoiceId) return false;
    return (await this.deps.provider.retrieveInvoice(attempt.latestInvoiceId)).paymentProcessing;
  }

  /** The client secret of an incomplete attempt's first payment still awaiting 3-D Secure, for that price and card. */
  private async pendingChallenge(
    incomplete: Subscription,
    providerPriceId: string,
    providerPaymentMethodId: string,
  ): Promise<string | null> {
    const attempt = await this.deps.provider.retrieveSubscription(incomplete.providerSubscriptionId);
    if (attempt.status !== 'INCOMPLETE' || attempt.priceId !== providerPriceId || !attempt.latestInvoiceId) return null;
    if (attempt.defaultPaymentMethodId !== providerPaymentMethodId) return null;
    const payment = await this.deps.provider.invoicePaymentOutcome(attempt.latestInvoiceId);
    return payment.kind === 'requires_action' ? payment.clientSecret : null;
  }

  /**
   * Ends an attempt left incomplete and voids its unpaid first invoice: nothing was supplied, so nothing is
   * owed, and the unpaid flag must not stay raised by it.
   */
  private async abandon(incomplete: Subscription): Promise<void> {
    const ended = await this.deps.provider.cancelSubscriptionNow(
      incomplete.providerSubscriptionId,
      `replace:${incomplete.id}`,
    );
    if (ended.latestInvoiceId) {
      const invoice = await this.deps.provider.retrieveInvoice(ended.latestInvoiceId);
      if (invoice.status === 'OPEN') await this.deps.provider.voidInvoice(invoice.id, `void:${invoice.id}`);
      await this.deps.invoiceSync.invoice(invoice.id);
    }
    await this.deps.subscriptionSync.applySubscription(ended);
  }

  private async sellable(planId: string, interval: BillingInterval): Promise<{ plan: Plan; price: PlanPrice }> {
    const found = await this.deps.plans.priceFor(planId, interval);
    if (!found)
      throw invalidInput(`plan ${planId} is not sold ${interval === 'MONTH' ? 'monthly' : 'yearly'}`, 'planId');
    return found;
  }

  private async requireLive(owner: BillingOwner): Promise<Subscription> {
    return this.liveOf((await this.deps.customers.require(owner)).id);
  }

  private async liveOf(customerId: string): Promise<Subscription> {
    const live = await this.deps.subscriptions.findLive(customerId);
    if (!live) throw notFound('subscription');
    return live;
  }

  private providerPrice(plan: Plan, price: PlanPrice): Promise<string> {
    return this.deps.plans.providerPriceId(plan, price, (p, pr) =>
      this.deps.provider.ensurePrice(
        { id: p.id, name: p.name },
        { id: pr.id, interval: pr.interval, amount: pr.amount, currency: pr.currency },
        `price:${pr.id}`,
      ),
    );
  }

  private async row(providerSubscriptionId: string): Promise<Subscription> {
    const row = await this.deps.subscriptions.findByProviderId(providerSubscriptionId);
    if (!row)
      throw new BillingDomainError(
        'PROVIDER_UNAVAILABLE',
        'the payment provider answered with a subscription we cannot record',
      );
    return row;
  }

  private async conflict(id: string): Promise<{ kind: 'version_conflict'; currentVersion: number }> {
    const current = await this.deps.subscriptions.findById(id);
    return { kind: 'version_conflict', currentVersion: current?.version ?? 0 };
  }

  /**
   * When the provider call fails, the version claimed for it is given back, so the client's retry with
   * the version it read is not refused as a conflict (the idempotency key makes that retry safe).
   */
  private async releasingOnFailure<T>(id: string, expectedVersion: number, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      await this.deps.subscriptions.releaseVersion(id, expectedVersion);
      throw error;
    }
  }

  /**
   * Records what a charging call left (the subscription, then its invoice) and tells how the payment went;
   * `processing` gets the invoice the bank is debiting.
   */
  private async recordCharge<T, P>(
    { subscription, payment }: { subscription: ProviderSubscription; payment: PaymentOutcome },
    succeeded: (row: Subscription) => T,
    processing: (row: Subscription, invoice: Invoice) => P,
  ) {
    await this.deps.subscriptionSync.applySubscription(subscription);
    if (subscription.latestInvoiceId) await this.deps.invoiceSync.invoice(subscription.latestInvoiceId);
    const row = await this.row(subscription.id);
    if (payment.kind === 'failed') return { kind: 'payment_failed' as const, declineCode: payment.declineCode };
    if (payment.kind === 'requires_action')
      return { kind: 'requires_action' as const, clientSecret: payment.clientSecret, subscription: row };
    if (payment.kind === 'processing') {
      const invoice = subscription.latestInvoiceId
        ? await this.deps.invoices.findByProviderId(subscription.latestInvoiceId)
        : null;
      if (!invoice)
        throw new BillingDomainError(
          'PROVIDER_UNAVAILABLE',
          'the payment provider answered with a debit we cannot record',
        );
      return processing(row, invoice);
    }
    return succeeded(row);
  }
}
