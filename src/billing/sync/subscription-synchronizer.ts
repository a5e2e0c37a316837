// Makes our rows match the provider's current state. Every path that learns something changed (a
// webhook, the browser's return, a mutation's answer, the reconciliation sweep) re-reads the object from
// the provider and comes through a synchronizer of that object (this one, invoice-synchronizer.ts,
// payment-method-synchronizer.ts), so duplicates and any order of events converge on one state.
// The sync of one object runs under that object's database lock (re-read included), so of two replicas
// syncing it at once the later read is the one written last.
import type { Logger } from 'pino';
import type { Customer } from '../customers/customer.ts';
import type { PaymentProvider, ProviderSubscription } from '../ports/payment-provider.ts';
import type { CreditNoteService } from '../invoices/credit-note-service.ts';
import type { DatabaseLocks } from '../../db/database-locks.ts';
import { customerLockKey } from '../operations/billing-operations.ts';
import type { BillingOperationRepository } from '../operations/billing-operation-repository.ts';
import { ENDED_STATUSES } from '../subscriptions/subscription-status.ts';
import type { CustomerRepository } from '../customers/customer-repository.ts';
import type { PaymentStateService } from './payment-state-service.ts';
import type { InvoiceRepository } from '../invoices/invoice-repository.ts';
import type { PlanCatalogView, PlanService } from '../plans/plan-service.ts';
import {
  NO_PENDING_CHANGE,
  type PendingPlanChange,
  type SubscriptionRepository,
} from '../subscriptions/subscription-repository.ts';
import type { InvoiceSynchronizer } from './invoice-synchronizer.ts';

export interface SubscriptionSyncRepositories {
  customers: CustomerRepository;
  subscriptions: SubscriptionRepository;
  invoices: InvoiceRepository;
  operations: BillingOperationRepository;
}

export class SubscriptionSynchronizer {
  constructor(
    private readonly provider: PaymentProvider,
    private readonly repositories: SubscriptionSyncRepositories,
    private readonly plans: PlanService,
    private readonly paymentState: PaymentStateService,
    private readonly invoiceSync: InvoiceSynchronizer,
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
    const catalog = await this.plans.catalog();
    const price = catalog.priceByProviderId.get(subscription.priceId);
    if (!price) {
      this.logger.warn(
        { subscription: subscription.id, price: subscription.priceId },
        'subscription on a price not in our catalog; ignored',
      );
      return false;
    }
    const existing = await this.repositories.subscriptions.findByProviderId(subscription.id);
    const live = !ENDED_STATUSES.includes(subscription.status);
    if (!existing && live) {
      const other = await this.repositories.subscriptions.findLive(customer.id);
      if (other) return this.cancelOrphan(customer, subscription, other.providerSubscriptionId);
    }
    const failing = subscription.status === 'PAST_DUE' || subscription.status === 'UNPAID';
    const pending = this.pendingChange(subscription, catalog);
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
      ...pending,
    });
    // Not written: another live subscription of the customer was recorded between our read and insert.
    if (!written) return this.cancelOrphan(customer, subscription, null);
    if (!existing && live && repairing) {
      await this.repositories.operations.record(
        customer.id,
        'ORPHAN_ADOPTED',
        subscription.id,
        'a live provider subscription without a local row, the only one: adopted',
      );
      this.logger.warn(
        { customerId: customer.id, subscription: subscription.id },
        'adopted a provider subscription we had no row for',
      );
    }
    await this.paymentState.refresh(customer.id);
    return true;
  }

  /** The plan change the provider holds until its invoice is paid, when it is to a price of our catalog. */
  private pendingChange(subscription: ProviderSubscription, catalog: PlanCatalogView): PendingPlanChange {
    const price = subscription.pendingUpdate && catalog.priceByProviderId.get(subscription.pendingUpdate.priceId);
    if (!subscription.pendingUpdate || !price) return NO_PENDING_CHANGE;
    return {
      pendingPlanId: price.planId,
      pendingPriceId: price.id,
      pendingExpiresAt: subscription.pendingUpdate.expiresAt,
      pendingProviderInvoiceId: subscription.latestInvoiceId,
    };
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
    this.logger.error(
      { customerId: customer.id, subscription: orphan.id, notes },
      'cancelled an orphan provider subscription',
    );
    await this.writeSubscription(ended, false);
    if (ended.latestInvoiceId) await this.invoiceSync.invoice(ended.latestInvoiceId);
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
      const note = await this.creditNotes.issueCreditNote(
        row.id,
        amount,
        'Refund of a duplicate subscription, cancelled',
      );
      this.logger.warn(
        { customerId: row.customerId, invoice: row.number, creditNote: note.number },
        'credited the refund of an orphan subscription',
      );
    } catch (error) {
      this.logger.error(
        { err: error, providerInvoiceId, amount },
        'the credit note of an orphan refund failed; refundInvoice for that amount issues it',
      );
    }
  }
}
