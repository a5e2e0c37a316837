import Stripe from 'stripe';
import type { SeededRandom } from '../random.ts';
import { BoundedLog } from '../http/bounded-log.ts';

export interface WebhookTarget {
  url: string;
  secret: string;
  enabledEvents: string[];
}

export interface ChaosSettings {
  random: SeededRandom;
  duplicateRate: number;
  maxDelayMs: number;
  shuffle: boolean;
}

export interface RetrySettings {
  maxAttempts: number;
  initialDelayMs: number;
}

export interface DeliveryRecord {
  id: string;
  event_id: string;
  type: string;
  url: string;
  attempt: number;
  status: number | null;
  error: string | null;
}

/**
 * Delivers events to endpoints as Stripe does: a JSON POST signed in `Stripe-Signature`, retried with
 * exponential backoff on a non-2xx answer or a network error. Events raised by one API request form a
 * batch; under chaos the batch is shuffled, some deliveries duplicated and each delayed (all seeded).
 * Without chaos an endpoint receives events one at a time in the order they happened.
 */
export class WebhookDispatcher {
  readonly deliveries: BoundedLog<DeliveryRecord>;
  private deliveryCount = 0;
  private batch: Stripe.Event[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<AbortController>();
  private readonly queues = new Map<string, Promise<void>>();
  /** The endpoints each event reached with a 2xx: `pending_webhooks` counts the others. */
  private readonly delivered = new WeakMap<Stripe.Event, Set<string>>();
  private closed = false;
  /** Called when an event has reached every endpoint it is for (Stripe then sets `webhooks_delivered_at`). */
  onAllDelivered: (event: Stripe.Event) => void = () => undefined;

  constructor(
    private readonly targets: () => WebhookTarget[],
    private readonly retry: RetrySettings,
    private readonly chaos: ChaosSettings | undefined,
    private readonly log: (line: string) => void,
    logCapacity: number,
  ) {
    this.deliveries = new BoundedLog(logCapacity);
  }

  /** Holds the event for the next flush; its `pending_webhooks` counts the endpoints it is for. */
  enqueue(event: Stripe.Event): void {
    event.pending_webhooks = this.targets().filter((target) => wants(target, event)).length;
    this.batch.push(event);
  }

  /** Sends the events gathered since the last flush. */
  flush(): void {
    const events = this.batch;
    this.batch = [];
    for (const target of this.targets()) {
      const wanted = events.filter((event) => wants(target, event));
      if (this.chaos) this.scatter(wanted, target, this.chaos);
      else for (const event of wanted) this.inOrder(event, target);
    }
  }

  reset(): void {
    this.batch = [];
    this.deliveries.clear();
    this.chaos?.random.reset();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const controller of this.inFlight) controller.abort();
    await Promise.allSettled([...this.queues.values()]);
  }

  private scatter(events: Stripe.Event[], target: WebhookTarget, chaos: ChaosSettings): void {
    const copies = events.flatMap((event) => (chaos.random.next() < chaos.duplicateRate ? [event, event] : [event]));
    const ordered = chaos.shuffle ? chaos.random.shuffle(copies) : copies;
    for (const event of ordered) {
      this.later(chaos.random.integer(chaos.maxDelayMs + 1), () => void this.attempt(event, target, 1));
    }
  }

  private inOrder(event: Stripe.Event, target: WebhookTarget): void {
    const previous = this.queues.get(target.url) ?? Promise.resolve();
    this.queues.set(
      target.url,
      previous.then(() => this.attempt(event, target, 1)),
    );
  }

  private async attempt(event: Stripe.Event, target: WebhookTarget, attempt: number): Promise<void> {
    if (this.closed) return;
    const payload = JSON.stringify(event, null, 2);
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: target.secret });
    const controller = new AbortController();
    this.inFlight.add(controller);
    this.deliveryCount += 1;
    const record: DeliveryRecord = {
      id: `whdel_${this.deliveryCount}`,
      event_id: event.id,
      type: event.type,
      url: target.url,
      attempt,
      status: null,
      error: null,
    };
    try {
      const response = await fetch(target.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'stripe-signature': signature,
          'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
        },
        body: payload,
        signal: controller.signal,
      });
      await response.arrayBuffer();
      record.status = response.status;
    } catch (error) {
      record.error = error instanceof Error ? error.message : String(error);
    } finally {
      this.inFlight.delete(controller);
    }
    if (this.closed) return;
    this.deliveries.add(record);
    const delivered = record.status !== null && record.status >= 200 && record.status < 300;
    if (delivered) return this.markDelivered(event, target);
    this.log(
      `webhook ${event.type} ${event.id} to ${target.url} failed (attempt ${attempt}: ${record.status ?? record.error})`,
    );
    if (attempt >= this.retry.maxAttempts) return;
    this.later(this.retry.initialDelayMs * 2 ** (attempt - 1), () => void this.attempt(event, target, attempt + 1));
  }

  /** Stripe's `pending_webhooks`: one fewer once an endpoint answered 2xx (a duplicate delivery counts once). */
  private markDelivered(event: Stripe.Event, target: WebhookTarget): void {
    const reached = this.delivered.get(event) ?? new Set<string>();
    this.delivered.set(event, reached);
    if (reached.has(target.url)) return;
    reached.add(target.url);
    event.pending_webhooks = Math.max(0, event.pending_webhooks - 1);
    if (event.pending_webhooks === 0) this.onAllDelivered(event);
  }

  private later(delayMs: number, action: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      action();
    }, delayMs);
    this.timers.add(timer);
  }
}

function wants(target: WebhookTarget, event: Stripe.Event): boolean {
  return target.enabledEvents.includes('*') || target.enabledEvents.includes(event.type);
}
