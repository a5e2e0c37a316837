import type { InvoiceLine } from '../billing/invoices/invoice.ts';

/** A line of an invoice or of a preview, with the currency its Money fields need. */
export type InvoiceLineView = Pick<
  InvoiceLine,
  'description' | 'quantity' | 'unitAmount' | 'discountAmount' | 'amount' | 'proration' | 'periodStart' | 'periodEnd'
> & { currency: string; vatAmount?: number };
