// Short-lived signed links to an invoice's PDF. GraphQL hands one only to a viewer allowed to read the
// invoice; the link itself then needs no token, so a browser can open it, and it expires within minutes.
import { createHmac, timingSafeEqual } from 'node:crypto';

export class InvoiceLinkSigner {
  constructor(
    private readonly secret: string,
    private readonly publicBaseUrl: string,
    private readonly ttlSeconds: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  url(invoiceId: string): string {
    const expires = Math.floor(this.now().getTime() / 1000) + this.ttlSeconds;
    return `${this.publicBaseUrl}/invoices/${invoiceId}.pdf?expires=${expires}&signature=${this.signature(invoiceId, expires)}`;
  }

  /** True for an unexpired link this service signed for exactly this invoice. */
  verify(invoiceId: string, expires: string, signature: string): boolean {
    const expiresAt = Number(expires);
    if (!Number.isInteger(expiresAt) || expiresAt * 1000 < this.now().getTime()) return false;
    const expected = Buffer.from(this.signature(invoiceId, expiresAt));
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private signature(invoiceId: string, expires: number): string {
    return createHmac('sha256', this.secret).update(`invoice-pdf:${invoiceId}:${expires}`).digest('base64url');
  }
}
