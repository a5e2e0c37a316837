import type { Invoice } from './invoice.ts';
import type { PaymentProvider } from '../../payments/payment-provider.ts';
import { notFound } from '../errors.ts';
import type { ProviderSync } from '../sync/provider-sync.ts';
import type { InvoiceRepository } from './invoice-repository.ts';

export type MarkUncollectibleOutcome = { kind: 'marked_uncollectible'; invoice: Invoice } | { kind: 'not_open'; invoice: Invoice };

/** Admins give up on collecting an invoice: the provider stops retrying, and the unpaid flag clears. */
export class InvoiceCollectionAdmin {
  constructor(
    private readonly invoices: InvoiceRepository,
    private readonly provider: PaymentProvider,
    private readonly sync: ProviderSync,
  ) {}

  async markUncollectible(invoiceId: string): Promise<MarkUncollectibleOutcome> {
    const invoice = await this.invoices.findById(invoiceId);
    if (!invoice?.providerInvoiceId) throw notFound('invoice');
    if (invoice.status !== 'OPEN') return { kind: 'not_open', invoice };
    await this.provider.markInvoiceUncollectible(invoice.providerInvoiceId, `invoice:${invoice.id}:uncollectible`);
    // Our row, the legal invoice's status and the customer's flag follow the provider's state.
    await this.sync.invoice(invoice.providerInvoiceId);
    const updated = await this.invoices.findById(invoiceId);
    if (!updated) throw notFound('invoice');
    return { kind: 'marked_uncollectible', invoice: updated };
  }
}
