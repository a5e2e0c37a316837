import type Stripe from 'stripe';
import { EmulatorStore } from './emulator-store.ts';
import { EmulatorTime } from './emulator-time.ts';
import { IdFactory } from './id-factory.ts';
import { Router } from './http/router.ts';
import { EventLog } from './webhooks/event-log.ts';
import type { WebhookDispatcher } from './webhooks/webhook-dispatcher.ts';
import type { DunningPolicy } from './billing/dunning-policy.ts';

export interface EmulatorSettings {
  seed: number | undefined;
  apiVersion: string;
  dunning: DunningPolicy;
  /** Days before a renewal that `invoice.upcoming` is sent (the account's "upcoming renewal events" setting); 0: never. */
  upcomingRenewalDays: number;
  /** Days (of the customer's clock) a SEPA debit stays `processing` before the bank's answer. */
  debitSettlementDays: number;
  log: (line: string) => void;
}

/** The emulator's state and services, shared by every route and by the billing clock. */
export class Emulator {
  readonly store = new EmulatorStore();
  readonly ids: IdFactory;
  readonly time: EmulatorTime;
  readonly events: EventLog;
  readonly router = new Router();
  /** Where the emulator is reachable (for URLs it hands out), set once listening. */
  baseUrl = '';
  /** Called after every request that may have changed state (the state file saves then). */
  changed: () => void = () => undefined;

  constructor(
    readonly settings: EmulatorSettings,
    readonly webhooks: WebhookDispatcher,
  ) {
    this.ids = new IdFactory(settings.seed);
    this.time = new EmulatorTime(settings.seed !== undefined);
    this.events = new EventLog(this.store, this.ids, settings.apiVersion, (event) => webhooks.enqueue(event));
  }

  /** Current time for an object: its test clock's frozen time, or the emulator's clock. */
  now(testClock?: string | Stripe.TestHelpers.TestClock | null): number {
    if (!testClock) return this.time.now();
    const id = typeof testClock === 'string' ? testClock : testClock.id;
    return this.store.testClocks.get(id)?.frozen_time ?? this.time.now();
  }

  /** The test clock a customer (and so its subscriptions and invoices) lives on. */
  clockOf(customer: string | Stripe.Customer | Stripe.DeletedCustomer | null): string | null {
    if (!customer) return null;
    const id = typeof customer === 'string' ? customer : customer.id;
    const clock = this.store.customers.get(id)?.test_clock;
    return typeof clock === 'string' ? clock : (clock?.id ?? null);
  }

  reset(): void {
    this.store.clear();
    this.ids.reset();
    this.time.reset();
    this.webhooks.reset();
  }
}
