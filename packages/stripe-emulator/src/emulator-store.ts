import type Stripe from 'stripe';
import { Collection } from './collection.ts';
import type { ChargeBehaviour } from './billing/charge-behaviour.ts';

const EVENT_CAPACITY = 10_000;

/** Bookkeeping Stripe keeps but does not show on the invoice object. */
export interface InvoiceCollectionState {
  paymentIntentId?: string;
  /** When the first automatic payment attempt failed: the dunning schedule counts from here. */
  firstFailedAt?: number;
  failedAttempts: number;
  /** The invoice of a pending update (`pending_if_incomplete`): paying it applies the update. */
  holdsPendingUpdate?: boolean;
}

/** Bookkeeping of a subscription that is not part of its public shape. */
export interface SubscriptionTimeline {
  trialWillEndSent: boolean;
  /** The renewal (period end) whose `invoice.upcoming` was sent, so each renewal gets one. */
  upcomingNoticeFor?: number;
  /** An `incomplete` subscription whose first invoice is unpaid expires 23 hours after creation. */
  incompleteExpiresAt?: number;
}

/** Every object the emulator holds, as the SDK's own types. Reset empties it. */
export class EmulatorStore {
  readonly customers = new Collection<Stripe.Customer>('customer');
  readonly paymentMethods = new Collection<Stripe.PaymentMethod>('PaymentMethod');
  readonly setupIntents = new Collection<Stripe.SetupIntent>('setupintent');
  readonly paymentIntents = new Collection<Stripe.PaymentIntent>('payment_intent');
  readonly products = new Collection<Stripe.Product>('product');
  readonly prices = new Collection<Stripe.Price>('price');
  readonly taxRates = new Collection<Stripe.TaxRate>('tax rate');
  readonly subscriptions = new Collection<Stripe.Subscription>('subscription');
  readonly invoices = new Collection<Stripe.Invoice>('invoice');
  readonly invoiceItems = new Collection<Stripe.InvoiceItem>('invoiceitem');
  readonly invoicePayments = new Collection<Stripe.InvoicePayment>('invoice_payment');
  readonly charges = new Collection<Stripe.Charge>('charge');
  readonly refunds = new Collection<Stripe.Refund>('refund');
  readonly creditNotes = new Collection<Stripe.CreditNote>('credit_note');
  readonly mandates = new Collection<Stripe.Mandate>('mandate');
  /** Stripe keeps events 30 days; the emulator keeps the most recent ones. */
  readonly events = new Collection<Stripe.Event>('event', EVENT_CAPACITY);
  readonly webhookEndpoints = new Collection<Stripe.WebhookEndpoint>('webhook_endpoint');
  readonly testClocks = new Collection<Stripe.TestHelpers.TestClock>('test_clock');

  readonly deletedCustomers = new Set<string>();
  readonly chargeBehaviour = new Map<string, ChargeBehaviour>();
  readonly invoiceCollection = new Map<string, InvoiceCollectionState>();
  readonly subscriptionTimeline = new Map<string, SubscriptionTimeline>();
  /** Direct debits in `processing`: payment intent id → when the bank's answer arrives. */
  readonly debitSettlements = new Map<string, number>();
  /** The customer's mandate acceptance a setup intent was confirmed with, until it succeeds (after a redirect). */
  readonly mandateAcceptances = new Map<string, Stripe.Mandate.CustomerAcceptance>();
  /** Webhook signing secrets of endpoints created through the API. */
  readonly endpointSecrets = new Map<string, string>();

  clear(): void {
    for (const value of Object.values(this)) {
      if (value instanceof Collection || value instanceof Map || value instanceof Set) value.clear();
    }
  }

  /** Every object and piece of bookkeeping, as JSON-ready data (`restore` reads it back). */
  dump(): Record<string, unknown[]> {
    const data: Record<string, unknown[]> = {};
    for (const [name, value] of Object.entries(this)) {
      if (value instanceof Collection) data[name] = value.all();
      else if (value instanceof Map) data[name] = [...value.entries()];
      else if (value instanceof Set) data[name] = [...value.values()];
    }
    return data;
  }

  restore(data: Record<string, unknown[]>): void {
    for (const [name, value] of Object.entries(this)) {
      const saved = data[name] ?? [];
      if (value instanceof Collection) value.restore(saved as { id: string }[]);
      else if (value instanceof Map) {
        value.clear();
        for (const [key, entry] of saved as [unknown, unknown][]) value.set(key, entry);
      } else if (value instanceof Set) {
        value.clear();
        for (const entry of saved) value.add(entry);
      }
    }
  }
}
