import { Router } from 'express';
import { isUuid } from '../billing/errors.ts';
import type { InvoiceDocumentService } from '../billing/invoices/invoice-document-service.ts';
import type { InvoiceLinkSigner } from '../billing/invoices/invoice-links.ts';

/** `GET /invoices/:id.pdf?expires=&signature=`: the signed link `Invoice.pdfUrl` gives. */
export function invoicePdfRoute(documents: InvoiceDocumentService, links: InvoiceLinkSigner): Router {
  const router = Router();
  router.get('/invoices/:file', async (req, res) => {
    const id = /^(.+)\.pdf$/.exec(req.params.file)?.[1] ?? '';
    const { expires, signature } = req.query;
    if (!isUuid(id) || typeof expires !== 'string' || typeof signature !== 'string' || !links.verify(id, expires, signature)) {
      res.status(403).json({ errors: [{ message: 'this link is invalid or has expired', extensions: { code: 'FORBIDDEN' } }] });
      return;
    }
    const document = await documents.pdf(id);
    if (!document) {
      res.status(404).json({ errors: [{ message: 'invoice not found', extensions: { code: 'NOT_FOUND' } }] });
      return;
    }
    res
      .status(200)
      .type('application/pdf')
      .setHeader('content-disposition', `inline; filename="${document.number}.pdf"`)
      .setHeader('cache-control', 'private, no-store')
      // The stored document's digest, and its payment status beside it (never inside it).
      .setHeader('x-document-sha256', document.sha256)
      .setHeader('x-payment-status', document.status)
      .send(document.pdf);
  });
  return router;
}
