import { randomUUID } from 'node:crypto';
import type { PaymentProvider } from '../../payments/payment-provider.ts';
import type { PayInvoiceOutcome } from '../billing-results.ts';
import type { CustomerRecord } from '../../db/prisma-types.ts';
import { invalidInput, notFound } from '../errors.ts';
import type { PaymentMethodRepository } from '../payment-methods/payment-method-repository.ts';
import type { SubscriptionRepository } from '../subscriptions/subscription-repository.ts';
import type { ProviderSync } from '../sync/provider-sync.ts';
import type { InvoiceRepository } from './invoice-repository.ts';

export class InvoicePaymentService {
  constructor(
    private readonly invoices: InvoiceRepository,
    private readonly paymentMethods: PaymentMethodRepository,
    private readonly subscriptions: SubscriptionRepository,
    private readonly provider: PaymentProvider,
    private readonly sync: ProviderSync,
  ) {}

  /** Retries an open invoice now, with a given method of the customer's or its default one. */
  async pay(customer: CustomerRecord, invoiceId: string, paymentMethodId: string | null): Promise<PayInvoiceOutcome> {
    const invoice = await this.invoices.findById(invoiceId);
    if (!invoice || invoice.customerId !== customer.id || !invoice.providerInvoiceId) throw notFound('invoice');
    if (invoice.status !== 'OPEN') throw invalidInput(`the invoice is ${invoice.status.toLowerCase()}, not open`, 'invoiceId');
    let providerMethodId: string | null = null;
    if (paymentMethodId) {
      const method = await this.paymentMethods.findById(paymentMethodId);
      if (!method || method.customerId !== customer.id) throw notFound('payment method');
      providerMethodId = method.providerPaymentMethodId;
    }
    const outcome = await this.provider.payInvoice(invoice.providerInvoiceId, providerMethodId, `pay:${invoice.id}:${randomUUID()}`);
    await this.sync.invoice(invoice.providerInvoiceId);
    // Paying may end a past-due period: the subscription is re-read too, not left to the webhook.
    const live = await this.subscriptions.findLive(customer.id);
    if (live) await this.sync.subscription(live.providerSubscriptionId);
    const paid = await this.invoices.findById(invoice.id);
    if (outcome.kind === 'failed') return { kind: 'payment_failed', declineCode: outcome.declineCode };
    if (outcome.kind === 'requires_action') return { kind: 'requires_action', clientSecret: outcome.clientSecret, subscription: null };
    return { kind: 'invoice_paid', invoice: paid ?? invoice };
  }
}
