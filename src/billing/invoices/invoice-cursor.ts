import { invalidInput, isUuid } from '../errors.ts';

/** Where a page of invoices ends: opaque to clients, so the ordering can change without breaking them. */
export interface InvoicePosition {
  createdAt: Date;
  id: string;
}

export function encodeInvoiceCursor(position: InvoicePosition): string {
  return Buffer.from(`${position.createdAt.toISOString()}|${position.id}`).toString('base64url');
}

export function decodeInvoiceCursor(cursor: string): InvoicePosition {
  const [iso, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(iso ?? '');
  if (rest.length > 0 || !id || !isUuid(id) || Number.isNaN(createdAt.getTime())) {
    throw invalidInput('`after` is not a cursor this API returned', 'after');
  }
  return { createdAt, id };
}
