import type { PaymentProvider } from '../ports/payment-provider.ts';
import type { PayInvoiceOutcome } from './billing-results.ts';
import type { Customer } from '../customers/customer.ts';
import type { Invoice } from '../invoices/invoice.ts';
import { invalidInput, notFound } from '../errors.ts';
import type { BillingOperations } from '../operations/billing-operations.ts';
import type { PaymentMethodRepository } from '../payment-methods/payment-method-repository.ts';
import type { SubscriptionRepository } from '../subscriptions/subscription-repository.ts';
import type { InvoiceSynchronizer } from '../sync/invoice-synchronizer.ts';
import type { SubscriptionSynchronizer } from '../sync/subscription-synchronizer.ts';
import type { InvoiceRepository } from '../invoices/invoice-repository.ts';

export class InvoicePaymentService {
  constructor(
    private readonly invoices: InvoiceRepository,
    private readonly paymentMethods: PaymentMethodRepository,
    private readonly subscriptions: SubscriptionRepository,
    private readonly provider: PaymentProvider,
    private readonly invoiceSync: InvoiceSynchronizer,
    private readonly subscriptionSync: SubscriptionSynchronizer,
    private readonly operations: BillingOperations,
  ) {}

  /**
   * Retries an open invoice now, with a given method of the customer's or its default one. Under the
   * customer's lock: a second click finds the invoice paid, or its debit processing, and gets that answer.
   */
  pay(customer: Customer, invoiceId: string, paymentMethodId: string | null): Promise<PayInvoiceOutcome> {
    return this.operations.run(customer.id, 'PAY_INVOICE', async (operation) => {
      const found = await this.invoices.findById(invoiceId);
      if (!found || found.customerId !== customer.id || !found.providerInvoiceId) throw notFound('invoice');
      // An earlier attempt's outcome is unknown (it failed or crashed): the provider says whether it paid.
      if (operation.previousUnsettled && found.status === 'OPEN')
        await this.invoiceSync.invoice(found.providerInvoiceId);
      const invoice = (await this.invoices.findById(invoiceId)) ?? found;
      if (invoice.status === 'PAID') return { kind: 'invoice_paid', invoice };
      // The bank has this invoice's debit (SEPA): another attempt, by any method, would take the money twice.
      // Decided under the lock, on the state the previous payer left, so no two replicas both get past it.
      if (invoice.status === 'OPEN' && invoice.paymentProcessing)
        return { kind: 'payment_processing', invoice, subscription: null };
      return this.payOpen(customer, invoice, found.providerInvoiceId, paymentMethodId, operation.id);
    });
  }

  private async payOpen(
    customer: Customer,
    invoice: Invoice,
    providerInvoiceId: string,
    paymentMethodId: string | null,
    operationId: string,
  ): Promise<PayInvoiceOutcome> {
    if (invoice.status !== 'OPEN')
      throw invalidInput(`the invoice is ${invoice.status.toLowerCase()}, not open`, 'invoiceId');
    let providerMethodId: string | null = null;
    if (paymentMethodId) {
      const method = await this.paymentMethods.findById(paymentMethodId);
      if (!method || method.customerId !== customer.id) throw notFound('payment method');
      providerMethodId = method.providerPaymentMethodId;
    }
    const outcome = await this.provider.payInvoice(providerInvoiceId, providerMethodId, `pay:${operationId}`);
    await this.invoiceSync.invoice(providerInvoiceId);
    // Paying may end a past-due period: the subscription is re-read too, not left to the webhook.
    const live = await this.subscriptions.findLive(customer.id);
    if (live) await this.subscriptionSync.subscription(live.providerSubscriptionId);
    const paid = await this.invoices.findById(invoice.id);
    if (outcome.kind === 'failed') return { kind: 'payment_failed', declineCode: outcome.declineCode };
    if (outcome.kind === 'requires_action')
      return { kind: 'requires_action', clientSecret: outcome.clientSecret, subscription: null };
    if (outcome.kind === 'processing')
      return { kind: 'payment_processing', invoice: paid ?? invoice, subscription: null };
    return { kind: 'invoice_paid', invoice: paid ?? invoice };
  }
}
