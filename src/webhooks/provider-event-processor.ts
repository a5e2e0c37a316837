// Turns stored provider events into calls to the services that care about them, as the job the webhook
// route enqueues. Handlers re-read the object from the provider before writing, so a redelivered, retried
// or out-of-order event converges on the provider's current state.
import type { Logger } from 'pino';
import type { JobQueue, RetryPolicy } from '../jobs/job-queue.ts';
import type { ProviderEventInbox } from './provider-event-inbox.ts';

export const PROVIDER_EVENT_JOB = 'provider-event';
const STALLED_BATCH = 500;

export interface ProviderEventJob {
  inboxId: string;
}

/** What a handler learns of an event; the object's current state is the provider's to tell. */
export interface InboxEvent {
  type: string;
  objectType: string;
  objectId: string;
  payload: unknown;
}

export type InboxEventHandler = (event: InboxEvent) => Promise<void>;

/**
 * Eleven attempts over 1.5 to 3 hours (5 to 10 s, then doubling, jittered): outlasts a provider outage.
 * A job still running after 20 s is taken as lost (its replica was killed): with the queue's 5 s
 * maintenance and the retry delay, another replica runs it within a minute (under 35 s measured). A slow but living
 * job run twice is harmless: processing is idempotent and each object's sync is serialized by a lock.
 */
export const PROVIDER_EVENT_RETRY: RetryPolicy = {
  retryLimit: 10,
  retryDelaySeconds: 5,
  retryBackoff: true,
  expireInSeconds: 20,
};

export class ProviderEventProcessor {
  private readonly handlers = new Map<string, InboxEventHandler[]>();
  private retryLimit = PROVIDER_EVENT_RETRY.retryLimit ?? 0;

  constructor(
    private readonly inbox: ProviderEventInbox,
    private readonly logger: Logger,
  ) {}

  /** Handlers for one type run in the order they were registered. */
  on(types: string[], handler: InboxEventHandler): this {
    for (const type of types) this.handlers.set(type, [...(this.handlers.get(type) ?? []), handler]);
    return this;
  }

  /** Makes this processor the queue's worker for provider events. */
  async work(queue: JobQueue, retry: RetryPolicy = PROVIDER_EVENT_RETRY): Promise<void> {
    this.retryLimit = retry.retryLimit ?? this.retryLimit;
    await queue.work<ProviderEventJob>(PROVIDER_EVENT_JOB, ({ inboxId }) => this.process(inboxId), retry);
  }

  /**
   * Throws when a handler does, after recording why, so the queue retries the job. The last attempt's
   * failure marks the event failed: kept with its reason for admins, never sent again by the sweep.
   */
  async process(inboxId: string): Promise<void> {
    const entry = await this.inbox.findById(inboxId);
    if (!entry) {
      this.logger.warn({ inboxId }, 'provider event job for an inbox entry that does not exist');
      return;
    }
    if (entry.processedAt || entry.failedAt) return;
    const handlers = this.handlers.get(entry.type) ?? [];
    const context = { inboxId, eventId: entry.providerEventId, type: entry.type };
    if (handlers.length === 0) {
      this.logger.debug(context, 'provider event acknowledged: no handler for its type');
      await this.inbox.markProcessed(inboxId);
      return;
    }
    const event: InboxEvent = {
      type: entry.type,
      objectType: entry.objectType,
      objectId: entry.objectId,
      payload: entry.payload,
    };
    try {
      for (const handler of handlers) await handler(event);
    } catch (error) {
      await this.inbox.recordFailure(
        inboxId,
        error instanceof Error ? error.message : String(error),
        this.retryLimit + 1,
      );
      throw error;
    }
    await this.inbox.markProcessed(inboxId);
    this.logger.debug(context, 'provider event processed');
  }
}

/** Events stored but never processed (a job lost, or out of retries) get another job. */
export async function resendStalledEvents(
  queue: Pick<JobQueue, 'send'>,
  inbox: ProviderEventInbox,
  receivedBefore: Date,
): Promise<number> {
  const stalled = await inbox.findUnprocessed(STALLED_BATCH, receivedBefore);
  // Under the event's own job id: dropped while its first job is still kept, whatever its state.
  for (const entry of stalled)
    await queue.send(PROVIDER_EVENT_JOB, { inboxId: entry.id }, { id: entry.id, singletonKey: entry.id });
  return stalled.length;
}
