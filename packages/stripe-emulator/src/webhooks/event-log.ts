import type Stripe from 'stripe';
import type { EmulatorStore } from '../emulator-store.ts';
import type { IdFactory } from '../id-factory.ts';

/** The request that caused an event (`event.request`); null for events the billing clock raises. */
export interface EventOrigin {
  id: string | null;
  idempotency_key: string | null;
}

export type EventListener = (event: Stripe.Event) => void;

/**
 * Records every state change as a Stripe event (a snapshot of the object at that moment) and hands it to
 * the webhook dispatcher.
 */
export class EventLog {
  origin: EventOrigin | null = null;

  constructor(
    private readonly store: EmulatorStore,
    private readonly ids: IdFactory,
    private readonly apiVersion: string,
    private readonly listener: EventListener,
  ) {}

  emit(
    type: Stripe.Event.Type,
    object: object,
    created: number,
    previousAttributes?: Record<string, unknown>,
  ): Stripe.Event {
    const event = {
      id: this.ids.next('evt', 24),
      object: 'event',
      api_version: this.apiVersion,
      created,
      data: {
        object: snapshot(object),
        ...(previousAttributes ? { previous_attributes: snapshot(previousAttributes) } : {}),
      },
      livemode: false,
      pending_webhooks: 0,
      request: this.origin ? { ...this.origin } : { id: null, idempotency_key: null },
      type,
    } as Stripe.Event;
    this.store.events.add(event);
    this.listener(event);
    return event;
  }
}

/** The wire form of an object at this instant (Decimal amounts become strings, as on the wire). */
export function snapshot<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** The top-level fields of `before` that differ in `after`, with their old values (`previous_attributes`). */
export function changedFields(before: object, after: object): Record<string, unknown> {
  const old = snapshot(before) as Record<string, unknown>;
  const now = snapshot(after) as Record<string, unknown>;
  const changes: Record<string, unknown> = {};
  for (const key of Object.keys(now)) {
    if (JSON.stringify(old[key]) !== JSON.stringify(now[key])) changes[key] = old[key] ?? null;
  }
  return changes;
}
