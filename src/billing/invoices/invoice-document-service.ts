import type { InvoiceRepository } from './invoice-repository.ts';
import { renderInvoicePdf } from './invoice-pdf.ts';
import { legalInvoiceDocument } from './legal-invoice.ts';

export class InvoiceDocumentService {
  constructor(
    private readonly invoices: InvoiceRepository,
    private readonly timeZone: string,
  ) {}

  /** The PDF of an issued invoice; null when there is no such invoice or it is not issued yet. */
  async pdf(invoiceId: string): Promise<{ number: string; pdf: Buffer } | null> {
    const invoice = await this.invoices.findById(invoiceId);
    if (!invoice?.number || !invoice.issuedAt) return null;
    const lines = await this.invoices.findLinesByInvoiceIds([invoice.id]);
    return { number: invoice.number, pdf: await renderInvoicePdf(legalInvoiceDocument(invoice, lines, this.timeZone)) };
  }
}
