import type Stripe from 'stripe';
import type { Emulator } from '../emulator.ts';
import { snapshot } from '../webhooks/event-log.ts';
import { list } from '../http/list-page.ts';

/**
 * Invoice fields Stripe only returns when expanded: `payments` (its invoice payments) and
 * `confirmation_secret` (the client secret of the payment intent that collects it).
 */
export function invoiceIncludable(emulator: Emulator, node: Record<string, unknown>, key: string): unknown {
  if (node['object'] !== 'invoice' || typeof node['id'] !== 'string') return undefined;
  const invoiceId = node['id'];
  if (key === 'payments') {
    const payments = invoicePayments(emulator, invoiceId);
    return snapshot(list(payments, false, `/v1/invoices/${invoiceId}/payments`));
  }
  if (key === 'confirmation_secret') return confirmationSecret(emulator, invoiceId);
  return undefined;
}

export function invoicePayments(emulator: Emulator, invoiceId: string): Stripe.InvoicePayment[] {
  return emulator.store.invoicePayments.newestFirst().filter((payment) => payment.invoice === invoiceId);
}

export function confirmationSecret(emulator: Emulator, invoiceId: string): Stripe.Invoice.ConfirmationSecret | null {
  const intentId = emulator.store.invoiceCollection.get(invoiceId)?.paymentIntentId;
  const intent = intentId ? emulator.store.paymentIntents.get(intentId) : undefined;
  return intent?.client_secret ? { client_secret: intent.client_secret, type: 'payment_intent' } : null;
}
