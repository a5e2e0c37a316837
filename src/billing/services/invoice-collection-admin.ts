import type { Invoice } from '../invoices/invoice.ts';
import type { PaymentProvider } from '../ports/payment-provider.ts';
import { notFound } from '../errors.ts';
import type { InvoiceSynchronizer } from '../sync/invoice-synchronizer.ts';
import type { InvoiceRepository } from '../invoices/invoice-repository.ts';

export type MarkUncollectibleOutcome =
  { kind: 'marked_uncollectible'; invoice: Invoice } | { kind: 'not_open'; invoice: Invoice };

/** Admins give up on collecting an invoice: the provider stops retrying, and the unpaid flag clears. */
export class InvoiceCollectionAdmin {
  constructor(
    private readonly invoices: InvoiceRepository,
    private readonly provider: PaymentProvider,
    private readonly invoiceSync: InvoiceSynchronizer,
  ) {}

  async markUncollectible(invoiceId: string): Promise<MarkUncollectibleOutcome> {
    const invoice = await this.invoices.findById(invoiceId);
    if (!invoice?.providerInvoiceId) throw notFound('invoice');
    if (invoice.status !== 'OPEN') return { kind: 'not_open', invoice };
    await this.provider.markInvoiceUncollectible(invoice.providerInvoiceId, `invoice:${invoice.id}:uncollectible`);
    // Our row, the legal invoice's status and the customer's flag follow the provider's state.
    await this.invoiceSync.invoice(invoice.providerInvoiceId);
    const updated = await this.invoices.findById(invoiceId);
    if (!updated) throw notFound('invoice');
    return { kind: 'marked_uncollectible', invoice: updated };
  }
}
