// Makes our rows match the provider's current state. Every path that learns something changed (a
// webhook, the browser's return, a mutation's answer, the reconciliation sweep) re-reads the object from
// the provider and comes through here, so duplicates and any order of events converge on one state.
import type { Logger } from 'pino';
import type { CustomerRecord } from '../../db/prisma-types.ts';
import type { PaymentProvider, ProviderInvoice, ProviderSubscription } from '../../payments/payment-provider.ts';
import { chargedVatMatches, type InvoiceIssuer } from '../invoices/invoice-issuer.ts';
import type { InvoiceLineDescriber } from '../invoices/invoice-line-description.ts';
import type { InvoiceVatDecisions } from '../invoices/invoice-vat-decisions.ts';
import { KeyedSerializer } from './keyed-serializer.ts';
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
}

export class ProviderSync {
  private readonly serial = new KeyedSerializer();

  constructor(
    private readonly provider: PaymentProvider,
    private readonly repositories: SyncRepositories,
    private readonly plans: PlanService,
    private readonly paymentState: PaymentStateService,
    private readonly issuer: InvoiceIssuer,
    private readonly vatDecisions: InvoiceVatDecisions,
    private readonly lineDescriptions: InvoiceLineDescriber,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Returns false when the object belongs to no customer of ours: acknowledged and ignored. */
  subscription(providerSubscriptionId: string): Promise<boolean> {
    return this.serial.run(providerSubscriptionId, async () =>
      this.writeSubscription(await this.provider.retrieveSubscription(providerSubscriptionId)),
    );
  }

  /** A subscription the provider just answered with (a mutation's result). */
  applySubscription(subscription: ProviderSubscription): Promise<boolean> {
    return this.serial.run(subscription.id, () => this.writeSubscription(subscription));
  }

  private async writeSubscription(subscription: ProviderSubscription): Promise<boolean> {
    const customer = await this.repositories.customers.findByProviderCustomerId(subscription.customerId);
    if (!customer) return false;
    const price = (await this.plans.catalog()).priceByProviderId.get(subscription.priceId);
    if (!price) {
      this.logger.warn({ subscription: subscription.id, price: subscription.priceId }, 'subscription on a price not in our catalog; ignored');
      return false;
    }
    const existing = await this.repositories.subscriptions.findByProviderId(subscription.id);
    const failing = subscription.status === 'PAST_DUE' || subscription.status === 'UNPAID';
    await this.repositories.subscriptions.upsert({
      providerSubscriptionId: subscription.id,
      customerId: customer.id,
      planId: price.planId,
      priceId: price.id,
      status: subscription.status,
      currentPeriodStart: subscription.currentPeriodStart,
      currentPeriodEnd: subscription.currentPeriodEnd,
      cancelAtPeriodEnd: subscription.cancelAtPeriodEnd,
      canceledAt: subscription.canceledAt,
      trialEnd: subscription.trialEnd,
      // The grace period counts from the first failure of a run of failures; paying ends the run.
      pastDueSince: failing ? (existing?.pastDueSince ?? this.now()) : null,
    });
    await this.paymentState.refresh(customer.id);
    return true;
  }

  invoice(providerInvoiceId: string): Promise<boolean> {
    return this.serial.run(providerInvoiceId, async () => {
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
  private async applyInvoice(customer: CustomerRecord, provided: ProviderInvoice): Promise<void> {
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
  async paymentMethods(customer: CustomerRecord): Promise<void> {
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

  /** Everything of one customer, from scratch: what a lost webhook left behind is repaired here. */
  async reconcile(customer: CustomerRecord): Promise<void> {
    if (!customer.providerCustomerId) return;
    for (const subscription of await this.provider.listSubscriptions(customer.providerCustomerId)) {
      await this.applySubscription(subscription);
    }
    // Oldest first, so invoices a lost webhook left unissued are numbered in the order they were finalized.
    const invoices = await this.provider.listInvoices(customer.providerCustomerId);
    invoices.sort((a, b) => (a.finalizedAt ?? a.createdAt).getTime() - (b.finalizedAt ?? b.createdAt).getTime());
    for (const invoice of invoices) await this.serial.run(invoice.id, () => this.applyInvoice(customer, invoice));
    await this.paymentMethods(customer);
    await this.paymentState.refresh(customer.id);
  }
}
