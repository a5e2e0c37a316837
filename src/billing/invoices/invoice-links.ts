// Short-lived signed links to an invoice's PDF or its Factur-X e-invoice. GraphQL hands one only to a viewer
// allowed to read the invoice; the link itself then needs no token, so a browser can open it, and it expires
// within minutes. A link signs one document of one invoice: a PDF link never opens the e-invoice.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type InvoiceLinkDocument = 'pdf' | 'e-invoice';

/** The file name each document is served under (after the invoice id). */
export const INVOICE_LINK_SUFFIX: Record<InvoiceLinkDocument, string> = { pdf: '.pdf', 'e-invoice': '.factur-x.pdf' };

export class InvoiceLinkSigner {
  constructor(
    private readonly secret: string,
    private readonly publicBaseUrl: string,
    private readonly ttlSeconds: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  url(invoiceId: string, document: InvoiceLinkDocument = 'pdf'): string {
    const expires = Math.floor(this.now().getTime() / 1000) + this.ttlSeconds;
    return `${this.publicBaseUrl}/invoices/${invoiceId}${INVOICE_LINK_SUFFIX[document]}?expires=${expires}&signature=${this.signature(invoiceId, expires, document)}`;
  }

  /** True for an unexpired link this service signed for exactly this document of this invoice. */
  verify(invoiceId: string, expires: string, signature: string, document: InvoiceLinkDocument = 'pdf'): boolean {
    const expiresAt = Number(expires);
    if (!Number.isInteger(expiresAt) || expiresAt * 1000 < this.now().getTime()) return false;
    const expected = Buffer.from(this.signature(invoiceId, expiresAt, document));
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private signature(invoiceId: string, expires: number, document: InvoiceLinkDocument): string {
    return createHmac('sha256', this.secret).update(`invoice-${document}:${invoiceId}:${expires}`).digest('base64url');
  }
}
