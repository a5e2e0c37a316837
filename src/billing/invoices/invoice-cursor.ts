import { invalidInput, isUuid } from '../errors.ts';

/** Where a page of invoices ends: opaque to clients, so the ordering can change without breaking them. */
export interface InvoicePosition {
  createdAt: Date;
  id: string;
}

export function encodeInvoiceCursor(position: InvoicePosition): string {
  return Buffer.from(`${position.createdAt.toISOString()}|${position.id}`).toString('base64url');
}

/** A cursor this API wrote is an ISO instant and a UUID: about 90 characters once encoded. */
const MAX_CURSOR_LENGTH = 200;

/** Only the instant this API wrote, in its canonical form, and within what a timestamp column holds. */
function canonicalInstant(iso: string | undefined): Date | null {
  const date = new Date(iso ?? '');
  if (Number.isNaN(date.getTime())) return null;
  const year = date.getUTCFullYear();
  return year >= 1970 && year <= 9999 && date.toISOString() === iso ? date : null;
}

export function decodeInvoiceCursor(cursor: string): InvoicePosition {
  const [iso, id, ...rest] =
    cursor.length <= MAX_CURSOR_LENGTH ? Buffer.from(cursor, 'base64url').toString('utf8').split('|') : [];
  const createdAt = canonicalInstant(iso);
  if (rest.length > 0 || !id || !isUuid(id) || !createdAt) {
    throw invalidInput('`after` is not a cursor this API returned', 'after');
  }
  return { createdAt, id };
}
