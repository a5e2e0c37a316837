import { Router } from 'express';
import { isUuid } from '../billing/errors.ts';
import type { InvoiceDocumentService } from '../billing/invoices/invoice-document-service.ts';
import {
  INVOICE_LINK_SUFFIX,
  type InvoiceLinkDocument,
  type InvoiceLinkSigner,
} from '../billing/invoices/invoice-links.ts';

/**
 * `GET /invoices/:id.pdf?expires=&signature=`: the signed link `Invoice.pdfUrl` gives; `GET
 * /invoices/:id.factur-x.pdf?…`: the one `Invoice.eInvoiceUrl` gives (the same document as a Factur-X PDF/A-3).
 */
export function invoicePdfRoute(documents: InvoiceDocumentService, links: InvoiceLinkSigner): Router {
  const router = Router();
  router.get('/invoices/:file', async (req, res) => {
    const [, id = '', eInvoice] = /^(.+?)(\.factur-x)?\.pdf$/.exec(req.params.file) ?? [];
    const kind: InvoiceLinkDocument = eInvoice ? 'e-invoice' : 'pdf';
    const { expires, signature } = req.query;
    if (
      !isUuid(id) ||
      typeof expires !== 'string' ||
      typeof signature !== 'string' ||
      !links.verify(id, expires, signature, kind)
    ) {
      res
        .status(403)
        .json({ errors: [{ message: 'this link is invalid or has expired', extensions: { code: 'FORBIDDEN' } }] });
      return;
    }
    const document = await (kind === 'pdf' ? documents.pdf(id) : documents.eInvoice(id));
    if (!document) {
      res.status(404).json({ errors: [{ message: 'invoice not found', extensions: { code: 'NOT_FOUND' } }] });
      return;
    }
    res
      .status(200)
      .type('application/pdf')
      .setHeader('content-disposition', `inline; filename="${document.number}${INVOICE_LINK_SUFFIX[kind]}"`)
      .setHeader('cache-control', 'private, no-store')
      // The stored document's digest, and its payment status beside it (never inside it).
      .setHeader('x-document-sha256', document.sha256)
      .setHeader('x-payment-status', document.status)
      .send(document.pdf);
  });
  return router;
}
