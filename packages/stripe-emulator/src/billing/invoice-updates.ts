import { deepCopy } from '../deep-copy.ts';
import type Stripe from 'stripe';
import type { Emulator } from '../emulator.ts';
import { changedFields } from '../webhooks/event-log.ts';

/**
 * Applies `change` to an invoice and, when anything changed, emits `invoice.updated` with the old values in
 * `data.previous_attributes`, as Stripe does beside its lifecycle events (`invoice.paid`, `invoice.voided`...).
 */
export function updateInvoice(
  emulator: Emulator,
  invoice: Stripe.Invoice,
  now: number,
  change: (invoice: Stripe.Invoice) => void,
): void {
  const before = deepCopy(invoice);
  change(invoice);
  invoiceUpdated(emulator, invoice, before, now);
}

/** Emits `invoice.updated` for what changed since `before` (a copy taken before the change began), if anything. */
export function invoiceUpdated(emulator: Emulator, invoice: Stripe.Invoice, before: Stripe.Invoice, now: number): void {
  const previous = changedFields(before, invoice);
  if (Object.keys(previous).length > 0) emulator.events.emit('invoice.updated', invoice, now, previous);
}
