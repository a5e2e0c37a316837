// The legal document of an issued invoice or credit note is rendered once, at issue, and stored with its
// SHA-256, as a PDF and as a Factur-X e-invoice (that PDF with its EN 16931 XML, PDF/A-3): every download
// returns those very bytes (a later change of code, font or time zone cannot reprint them). A document whose
// rendering was interrupted (a crash right after issue) is rendered at its first download, once: the stored
// bytes are only ever written over NULL (and a trigger enforces it).
import { createHash } from 'node:crypto';
import type { Invoice } from './invoice.ts';
import type { InvoiceRepository, StoredDocumentKind } from './invoice-repository.ts';
import { renderInvoicePdf } from './invoice-pdf.ts';
import { legalInvoiceDocument } from './legal-invoice.ts';

export interface StoredBytes {
  pdf: Buffer;
  sha256: string;
}

export interface StoredInvoicePdf extends StoredBytes {
  number: string;
  /** Beside the document, never inside it: it changes while the document does not. */
  status: Invoice['status'];
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

export class InvoiceDocumentService {
  constructor(
    private readonly invoices: InvoiceRepository,
    private readonly timeZone: string,
  ) {}

  /** The stored PDF of an issued document; null when there is no such document or it is not issued yet. */
  pdf(invoiceId: string): Promise<StoredInvoicePdf | null> {
    return this.download(invoiceId, 'pdf');
  }

  /** The stored Factur-X e-invoice of an issued document; null as for `pdf`. */
  eInvoice(invoiceId: string): Promise<StoredInvoicePdf | null> {
    return this.download(invoiceId, 'eInvoice');
  }

  /** Renders and stores the PDF and the e-invoice of an issued row, unless they already are stored. */
  async freeze(invoiceId: string): Promise<Record<StoredDocumentKind, StoredBytes>> {
    const invoice = await this.invoices.findById(invoiceId);
    if (!invoice?.issuedAt) throw new Error(`invoice ${invoiceId} is not issued: it has no document yet`);
    const stored = await this.invoices.storedDocuments(invoice.id);
    if (stored.pdf && stored.eInvoice) return { pdf: stored.pdf, eInvoice: stored.eInvoice };
    const [lines, corrected] = await Promise.all([
      this.invoices.findLinesByInvoiceIds([invoice.id]),
      invoice.correctsInvoiceId ? this.invoices.findById(invoice.correctsInvoiceId) : null,
    ]);
    const document = legalInvoiceDocument(invoice, lines, this.timeZone, corrected);
    const pdf = stored.pdf ?? (await this.store(invoice.id, 'pdf', await renderInvoicePdf(document)));
    // The e-invoice is made from the stored PDF: the two show one document.
    const eInvoice =
      stored.eInvoice ??
      (await this.store(invoice.id, 'eInvoice', await (await facturX()).renderFacturX(document, pdf.pdf)));
    return { pdf, eInvoice };
  }

  private async download(invoiceId: string, kind: StoredDocumentKind): Promise<StoredInvoicePdf | null> {
    const invoice = await this.invoices.findById(invoiceId);
    if (!invoice?.number || !invoice.issuedAt) return null;
    const stored = (await this.invoices.storedDocuments(invoice.id))[kind] ?? (await this.freeze(invoice.id))[kind];
    return { number: invoice.number, status: invoice.status, ...stored };
  }

  private async store(invoiceId: string, kind: StoredDocumentKind, bytes: Buffer): Promise<StoredBytes> {
    // Two first downloads at once: the first write wins and both answer with what is stored.
    return (
      (await this.invoices.storeDocument(invoiceId, kind, bytes, sha256(bytes))) ?? {
        pdf: bytes,
        sha256: sha256(bytes),
      }
    );
  }
}

/**
 * The e-invoice library, loaded at the first e-invoice, not at start-up: with its schemas and PDF toolkit it
 * holds tens of MB that a replica serving `_entities` never needs.
 */
const facturX = () => import('./factur-x-pdf.ts');
