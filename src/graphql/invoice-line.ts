import type { InvoiceLineRecord } from '../db/prisma-types.ts';

/** A line of an invoice or of a preview, with the currency its Money fields need. */
export type InvoiceLineView = Pick<
  InvoiceLineRecord,
  'description' | 'quantity' | 'unitAmount' | 'discountAmount' | 'amount' | 'proration' | 'periodStart' | 'periodEnd'
> & { currency: string; vatAmount?: number };
