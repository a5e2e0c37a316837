import type { InvoiceLineRecord } from '../db/prisma-types.ts';

/** A line with its invoice's currency, which the line's Money fields need. */
export type InvoiceLineView = InvoiceLineRecord & { currency: string };
