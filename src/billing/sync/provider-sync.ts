// Makes our rows match the provider's current state. Every path that learns something changed (a
// webhook, the browser's return, a mutation's answer, the reconciliation sweep) re-reads the object from
// the provider and comes through here, so duplicates and any order of events converge on one state.
// The sync of one object runs under that object's database lock (re-read included), so of two replicas
// syncing it at once the later read is the one written last.
import type { Logger } from 'pino';
import type { Customer } from '../customers/customer.ts';
import type { PaymentProvider, ProviderInvoice, ProviderSubscription } from '../../payments/payment-provider.ts';
import { chargedVatMatches, type InvoiceIssuer } from '../invoices/invoice-issuer.ts';
import type { CreditNoteService } from '../invoices/credit-note-service.ts';
import type { DatabaseLocks } from '../../db/database-locks.ts';
import { customerLockKey } from '../operations/billing-operations.ts';
import type { BillingOperationRepository } from '../operations/billing-operation-repository.ts';
import { ENDED_STATUSES } from '../subscriptions/subscription-status.ts';
import type { InvoiceLineDescriber } from '../invoices/invoice-line-description.ts';
import type { InvoiceVatDecisions } from '../invoices/invoice-vat-decisions.ts';
import type { CustomerRepository } from '../customers/customer-repository.ts';
import type { PaymentStateService } from '../entitlements/payment-state-service.ts';
import type { InvoiceRepository } from '../invoices/invoice-repository.ts';
import type { PaymentMethodRepository } from '../payment-methods/payment-method-repository.ts';
import type { PlanService } from '../plans/plan-service.ts';
import type { SubscriptionRepository } from '../subscriptions/subscription-repository.ts';

export interface SyncRepositories {
  customers: CustomerRepository;
  subscriptions: SubscriptionRepository;
  invoices: InvoiceRepository;
  paymentMethods: PaymentMethodRepository;
  operations: BillingOperationRepository;
}

export class ProviderSync {
  constructor(
    private readonly provider: PaymentProvider,
    private readonly repositories: SyncRepositories,
    private readonly plans: PlanService,
    private readonly paymentState: PaymentStateService,
    private readonly issuer: InvoiceIssuer,
    private readonly vatDecisions: InvoiceVatDecisions,
    private readonly lineDescriptions: InvoiceLineDescriber,
    private readonly locks: DatabaseLocks,
    private readonly creditNotes: CreditNoteService,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Returns false when the object belongs to no customer of ours: acknowledged and ignored. */
  subscription(providerSubscriptionId: string): Promise<boolean> {
    return this.locks.withLock(`subscription:${providerSubscriptionId}`, async () =>
      this.writeSubscription(await this.provider.retrieveSubscription(providerSubscriptionId), false),
    );
  }

  /** A subscription the provider just answered with (a mutation's result). */
  applySubscription(subscription: ProviderSubscription): Promise<boolean> {
    return this.locks.withLock(`subscription:${subscription.id}`, () => this.writeSubscription(subscription, false));
  }

  /**
   * Every subscription the provider holds for the customer, under the customer's lock (the caller's, or
   * taken here): one it made that we never recorded (a crashed attempt) is adopted or cancelled.
   */
  subscriptionsOf(customer: Customer): Promise<void> {
    return this.locks.withLock(customerLockKey(customer.id), async () => {
      if (!customer.providerCustomerId) return;
      for (const subscription of await this.provider.listSubscriptions(customer.providerCustomerId)) {
        await this.locks.withLock(`subscription:${subscription.id}`, () => this.writeSubscription(subscription, true));
      }
    });
  }

  /**
   * `repairing`: called under the customer's lock, where no mutation of the customer is in flight, so a
   * live subscription without our row is an orphan (adopted is then recorded); elsewhere it may be the
   * one a mutation is about to record.
   */
  private async writeSubscription(subscription: ProviderSubscription, repairing: boolean): Promise<boolean> {
    const customer = await this.repositories.customers.findByProviderCustomerId(subscription.customerId);
    if (!customer) return false;
    const price = (await this.plans.catalog()).priceByProviderId.get(subscription.priceId);
    if (!price) {
      this.logger.warn({ subscription: subscription.id, price: subscription.priceId }, 'subscription on a price not in our catalog; ignored');
      return false;
    }
    const existing = await this.repositories.subscriptions.findByProviderId(subscription.id);
    const live = !ENDED_STATUSES.includes(subscription.status);
    if (!existing && live) {
      const other = await this.repositories.subscriptions.findLive(customer.id);
      if (other) return this.cancelOrphan(customer, subscription, other.providerSubscriptionId);
    }
    const failing = subscription.status === 'PAST_DUE' || subscription.status === 'UNPAID';
    const written = await this.repositories.subscriptions.upsert({
      providerSubscriptionId: subscription.id,
      customerId: customer.id,
      planId: price.planId,
      priceId: price.id,
      status: subscription.status,
      currentPeriodStart: subscription.currentPeriodStart,
      currentPeriodEnd: subscription.currentPeriodEnd,
      cancelAtPeriodEnd: subscription.cancelAtPeriodEnd,
      cancelAt: subscription.cancelAt,
      canceledAt: subscription.canceledAt,
      trialEnd: subscription.trialEnd,
      // The grace period counts from the first failure of a run of failures; paying ends the run.
      pastDueSince: failing ? (existing?.pastDueSince ?? this.now()) : null,
    });
    // Not written: another live subscription of the customer was recorded between our read and insert.
    if (!written) return this.cancelOrphan(customer, subscription, null);
    if (!existing && live && repairing) {
      await this.repositories.operations.record(customer.id, 'ORPHAN_ADOPTED', subscription.id, 'a live provider subscription without a local row, the only one: adopted');
      this.logger.warn({ customerId: customer.id, subscription: subscription.id }, 'adopted a provider subscription we had no row for');
    }
    await this.paymentState.refresh(customer.id);
    return true;
  }

  /**
   * A second live subscription at the provider (a crashed or duplicated attempt): the one we recorded
   * stays, this one is cancelled, its open invoice voided or its paid one refunded (keyed by the invoice, so
   * a repeated sync never refunds twice) and credited, and what was done recorded for admins.
   */
  private async cancelOrphan(customer: Customer, orphan: ProviderSubscription, kept: string | null): Promise<boolean> {
    const ended = await this.provider.cancelSubscriptionNow(orphan.id, `orphan:${orphan.id}`);
    const notes = [`a second live provider subscription beside ${kept ?? 'the recorded one'}: cancelled`];
    let refunded: { providerInvoiceId: string; amount: number } | null = null;
    if (ended.latestInvoiceId) {
      const invoice = await this.provider.retrieveInvoice(ended.latestInvoiceId);
      if (invoice.status === 'OPEN') {
        await this.provider.voidInvoice(invoice.id, `void:${invoice.id}`);
        notes.push(`open invoice ${invoice.id} voided`);
      } else if (invoice.status === 'PAID' && invoice.amountPaid > 0) {
        const refund = await this.provider.refundInvoicePayment(
          invoice.id,
          { amount: null, reason: 'duplicate', metadata: { orphan_subscription: orphan.id } },
          `orphan-refund:${invoice.id}`,
        );
        refunded = { providerInvoiceId: invoice.id, amount: refund.amount };
        notes.push(`paid invoice ${invoice.id} refunded (${refund.amount} ${invoice.currency}, refund ${refund.id})`);
      }
    }
    await this.repositories.operations.record(customer.id, 'ORPHAN_CANCELLED', orphan.id, notes.join('; '));
    this.logger.error({ customerId: customer.id, subscription: orphan.id, notes }, 'cancelled an orphan provider subscription');
    await this.writeSubscription(ended, false);
    if (ended.latestInvoiceId) await this.invoice(ended.latestInvoiceId);
    if (refunded) await this.creditRefund(refunded.providerInvoiceId, refunded.amount);
    return true;
  }

  /**
   * The credit note of an orphan's refund, once the invoice is issued. Its failure is logged, not thrown:
   * the refund stands, and an admin's `refundInvoice` for exactly that amount (UnmatchedRefund says which)
   * issues the note without refunding again.
   */
  private async creditRefund(providerInvoiceId: string, amount: number): Promise<void> {
    const row = await this.repositories.invoices.findByProviderId(providerInvoiceId);
    try {
      if (!row) throw new Error('the refunded invoice is not recorded');
      const note = await this.creditNotes.issueCreditNote(row.id, amount, 'Refund of a duplicate subscription, cancelled');
      this.logger.warn({ customerId: row.customerId, invoice: row.number, creditNote: note.number }, 'credited the refund of an orphan subscription');
    } catch (error) {
      this.logger.error({ err: error, providerInvoiceId, amount }, 'the credit note of an orphan refund failed; refundInvoice for that amount issues it');
    }
  }

  invoice(providerInvoiceId: string): Promise<boolean> {
    return this.locks.withLock(`invoice:${providerInvoiceId}`, async () => {
      const invoice = await this.provider.retrieveInvoice(providerInvoiceId);
      const customer = await this.repositories.customers.findByProviderCustomerId(invoice.customerId);
      if (!customer) return false;
      await this.applyInvoice(customer, invoice);
      await this.paymentState.refresh(customer.id);
      return true;
    });
  }

  /**
   * Mirrors the invoice. A draft gets its VAT decision (the provider then charges it); once the provider
   * has finalized it, it is issued from that decision as our legal invoice or credit note.
   */
  private async applyInvoice(customer: Customer, provided: ProviderInvoice): Promise<void> {
    const invoice = await this.lineDescriptions.describe(provided);
    const row = await this.repositories.invoices.upsertFromProvider(customer.id, invoice, this.now());
    if (row.issuedAt) return;
    if (invoice.status === 'DRAFT') return this.vatDecisions.settleDraft(row, customer, invoice);
    const issued = await this.issuer.issue(row, customer, await this.vatDecisions.ofFinalized(row, customer, invoice));
    if (!chargedVatMatches(issued, invoice.lines.map((line) => line.amount))) {
      this.logger.error({ invoice: issued.number, rateBps: issued.vatRateBps, taxAmount: issued.taxAmount }, 'the VAT charged differs from the VAT stated');
    }
  }

  /** Our payment methods of a customer become exactly the provider's, its default included. */
  async paymentMethods(customer: Customer): Promise<void> {
    await this.locks.withLock(`payment-methods:${customer.id}`, () => this.writePaymentMethods(customer));
  }

  private async writePaymentMethods(customer: Customer): Promise<void> {
    if (!customer.providerCustomerId) return;
    const [methods, providerDefault] = await Promise.all([
      this.provider.listPaymentMethods(customer.providerCustomerId),
      this.provider.defaultPaymentMethod(customer.providerCustomerId),
    ]);
    for (const method of methods) await this.repositories.paymentMethods.upsert(customer.id, method);
    await this.repositories.paymentMethods.removeAllExcept(customer.id, methods.map((method) => method.id));
    const chosen = providerDefault ? await this.repositories.paymentMethods.findByProviderId(providerDefault) : null;
    if (chosen && !chosen.isDefault) await this.repositories.paymentMethods.makeDefault(customer.id, chosen.id);
    if (!chosen) await this.repositories.paymentMethods.promoteOldestToDefault(customer.id);
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

  /**
   * Everything of one customer, from scratch, under the customer's lock (so no mutation of it is half
   * done): what a lost webhook or a crashed attempt left behind is repaired here.
   */
  async reconcile(customer: Customer): Promise<void> {
    const { providerCustomerId } = customer;
    if (!providerCustomerId) return;
    await this.locks.withLock(customerLockKey(customer.id), async () => {
      await this.subscriptionsOf(customer);
      // Oldest first, so invoices a lost webhook left unissued are numbered in the order they were finalized.
      const invoices = await this.provider.listInvoices(providerCustomerId);
      invoices.sort((a, b) => (a.finalizedAt ?? a.createdAt).getTime() - (b.finalizedAt ?? b.createdAt).getTime());
      for (const invoice of invoices) await this.locks.withLock(`invoice:${invoice.id}`, () => this.applyInvoice(customer, invoice));
      await this.paymentMethods(customer);
      await this.paymentState.refresh(customer.id);
    });
  }
}
