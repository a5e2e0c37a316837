// The legal document of an issued invoice or credit note is rendered once, at issue, and stored with its
// SHA-256: every download returns those very bytes (a later change of code, font or time zone cannot
// reprint it). A document whose rendering was interrupted (a crash right after issue) is rendered at its
// first download, once: the stored bytes are only ever written over NULL (and a trigger enforces it).
import { createHash } from 'node:crypto';
import type { Invoice } from './invoice.ts';
import type { InvoiceRepository } from './invoice-repository.ts';
import { renderInvoicePdf } from './invoice-pdf.ts';
import { legalInvoiceDocument } from './legal-invoice.ts';

export interface StoredInvoicePdf {
  number: string;
  pdf: Buffer;
  sha256: string;
  /** Beside the document, never inside it: it changes while the document does not. */
  status: Invoice['status'];
}

export class InvoiceDocumentService {
  constructor(
    private readonly invoices: InvoiceRepository,
    private readonly timeZone: string,
  ) {}

  /** The stored PDF of an issued document; null when there is no such document or it is not issued yet. */
  async pdf(invoiceId: string): Promise<StoredInvoicePdf | null> {
    const invoice = await this.invoices.findById(invoiceId);
    if (!invoice?.number || !invoice.issuedAt) return null;
    const stored = (await this.invoices.storedPdf(invoice.id)) ?? (await this.freeze(invoice.id));
    return { number: invoice.number, status: invoice.status, ...stored };
  }

  /** Renders and stores the document of an issued row, unless it already is stored. */
  async freeze(invoiceId: string): Promise<{ pdf: Buffer; sha256: string }> {
    const invoice = await this.invoices.findById(invoiceId);
    if (!invoice?.issuedAt) throw new Error(`invoice ${invoiceId} is not issued: it has no document yet`);
    const stored = await this.invoices.storedPdf(invoice.id);
    if (stored) return stored;
    const [lines, corrected] = await Promise.all([
      this.invoices.findLinesByInvoiceIds([invoice.id]),
      invoice.correctsInvoiceId ? this.invoices.findById(invoice.correctsInvoiceId) : null,
    ]);
    const pdf = await renderInvoicePdf(legalInvoiceDocument(invoice, lines, this.timeZone, corrected));
    const sha256 = createHash('sha256').update(pdf).digest('hex');
    // Two first downloads at once: the first write wins and both answer with what is stored.
    return (await this.invoices.storePdf(invoice.id, pdf, sha256)) ?? { pdf, sha256 };
  }
}
