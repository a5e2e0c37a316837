import type {
  InvoiceConnectionResolvers,
  InvoiceLineResolvers,
  InvoiceResolvers,
  PlanChangePreviewResolvers,
} from '../../generated/graphql.ts';
import type { Invoice as InvoiceModel } from '../../billing/invoices/invoice.ts';
import { invoiceParty } from '../invoice-party.ts';

const inCurrency = (invoice: { currency: string }) => (amount: number) => ({ amount, currency: invoice.currency });

export const Invoice: InvoiceResolvers = {
  subtotal: (invoice) => inCurrency(invoice)(invoice.subtotal),
  tax: (invoice) => inCurrency(invoice)(invoice.taxAmount),
  total: (invoice) => inCurrency(invoice)(invoice.total),
  amountPaid: (invoice) => inCurrency(invoice)(invoice.amountPaid),
  amountDue: (invoice) => inCurrency(invoice)(invoice.amountDue),
  refunded: async (invoice, _args, context) =>
    invoice.kind === 'CREDIT_NOTE'
      ? null
      : inCurrency(invoice)(await context.loaders.refundedByInvoiceId.load(invoice.id)),
  vatRateBasisPoints: (invoice) => invoice.vatRateBps,
  // Invoices are reachable only through fields that authorized the viewer to read them.
  pdfUrl: (invoice, _args, context) => (invoice.issuedAt ? context.services.invoiceLinks.url(invoice.id) : null),
  eInvoiceUrl: (invoice, _args, context) =>
    invoice.issuedAt ? context.services.invoiceLinks.url(invoice.id, 'e-invoice') : null,
  correctsInvoiceNumber: async (invoice, _args, context) =>
    invoice.correctsInvoiceId
      ? ((await context.services.invoices.findById(invoice.correctsInvoiceId))?.number ?? null)
      : null,
  seller: (invoice) => invoiceParty(invoice.sellerSnapshot),
  buyer: (invoice) => invoiceParty(invoice.buyerSnapshot),
  lines: async (invoice: InvoiceModel, _args, context) =>
    (await context.loaders.invoiceLinesByInvoiceId.load(invoice.id)).map((line) => ({
      ...line,
      currency: invoice.currency,
    })),
};

export const InvoiceLine: InvoiceLineResolvers = {
  unitPrice: (line) => inCurrency(line)(line.unitAmount),
  discount: (line) => inCurrency(line)(line.discountAmount),
  amount: (line) => inCurrency(line)(line.amount),
  vat: (line) => (line.vatAmount === undefined ? null : inCurrency(line)(line.vatAmount)),
};

export const InvoiceConnection: InvoiceConnectionResolvers = {
  edges: (page) => page.invoices.map(({ cursor, invoice }) => ({ cursor, node: invoice })),
  pageInfo: (page) => ({ hasNextPage: page.hasNextPage, endCursor: page.invoices.at(-1)?.cursor ?? null }),
};

export const PlanChangePreview: PlanChangePreviewResolvers = {
  subtotal: (preview) => inCurrency(preview)(preview.subtotal),
  tax: (preview) => inCurrency(preview)(preview.tax),
  total: (preview) => inCurrency(preview)(preview.total),
  amountDue: (preview) => inCurrency(preview)(preview.amountDue),
  prorationLines: (preview) => preview.prorationLines.map((line) => ({ ...line, currency: preview.currency })),
};
