import type { PrismaClient } from '../db/prisma-types.ts';
import type { ProviderEvent } from '../billing/ports/payment-provider.ts';
import { isUuid } from '../billing/errors.ts';

/** A verified provider event as the inbox keeps it, with where its processing stands. */
export interface InboxEntry {
  id: string;
  providerEventId: string;
  type: string;
  objectType: string;
  objectId: string;
  payload: unknown;
  receivedAt: Date;
  processedAt: Date | null;
  attempts: number;
  lastError: string | null;
  /** Set once its last attempt failed: the event is kept, not retried. */
  failedAt: Date | null;
}

/**
 * The table has no columns for the event's object: it travels inside the stored JSON, next to the
 * provider's own payload, so handlers get all the port's ProviderEvent gave us.
 */
interface StoredPayload {
  objectType: string;
  objectId: string;
  createdAt: string;
  event: unknown;
}

type ProviderEventRow = NonNullable<Awaited<ReturnType<PrismaClient['providerEvent']['findUnique']>>>;

/** Every webhook the provider sent, once per provider event id: the durable hand-off to the job. */
export class ProviderEventInbox {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly provider = 'stripe',
  ) {}

  /** Stores the event unless its provider id is already in; a redelivery is not an error. */
  /** `settled`: processed, or given up on; either way no job is wanted for it any more. */
  async storeOnce(event: ProviderEvent): Promise<{ stored: boolean; id: string; settled: boolean }> {
    const stored: StoredPayload = {
      objectType: event.objectType,
      objectId: event.objectId,
      createdAt: event.createdAt.toISOString(),
      event: event.payload,
    };
    const [created] = await this.prisma.providerEvent.createManyAndReturn({
      data: [{ provider: this.provider, providerEventId: event.id, type: event.type, payload: stored as object }],
      skipDuplicates: true,
      select: { id: true },
    });
    if (created) return { stored: true, id: created.id, settled: false };
    const existing = await this.prisma.providerEvent.findUniqueOrThrow({
      where: { provider_providerEventId: { provider: this.provider, providerEventId: event.id } },
      select: { id: true, processedAt: true, failedAt: true },
    });
    return { stored: false, id: existing.id, settled: existing.processedAt !== null || existing.failedAt !== null };
  }

  async findById(id: string): Promise<InboxEntry | null> {
    const row = await this.prisma.providerEvent.findUnique({ where: { id } });
    return row && toEntry(row);
  }

  /**
   * Oldest first, received before `receivedBefore`: what the sweep sends again when a job was lost or
   * ran out of retries (the age leaves events still within their own backoff alone).
   */
  async findUnprocessed(limit: number, receivedBefore: Date = new Date()): Promise<InboxEntry[]> {
    const rows = await this.prisma.providerEvent.findMany({
      where: { provider: this.provider, processedAt: null, failedAt: null, receivedAt: { lt: receivedBefore } },
      orderBy: { receivedAt: 'asc' },
      take: limit,
    });
    return rows.map(toEntry);
  }

  /** By our id or the provider's event id. */
  async findByEitherId(id: string): Promise<InboxEntry | null> {
    const row = await this.prisma.providerEvent.findFirst({
      where: isUuid(id) ? { id: id.toLowerCase() } : { provider: this.provider, providerEventId: id },
    });
    return row && toEntry(row);
  }

  /** The events about one provider customer (its own, and its objects'), newest first. */
  async findByProviderCustomer(providerCustomerId: string, limit: number): Promise<InboxEntry[]> {
    const rows = await this.prisma.providerEvent.findMany({
      where: {
        provider: this.provider,
        OR: [
          { payload: { path: ['event', 'data', 'object', 'customer'], equals: providerCustomerId } },
          { payload: { path: ['objectId'], equals: providerCustomerId } },
        ],
      },
      orderBy: [{ receivedAt: 'desc' }, { id: 'desc' }],
      take: limit,
    });
    return rows.map(toEntry);
  }

  async markProcessed(id: string): Promise<void> {
    await this.prisma.providerEvent.updateMany({
      where: { id, processedAt: null },
      data: { processedAt: new Date(), attempts: { increment: 1 }, lastError: null },
    });
  }

  /** Counts a failed attempt; the one that reaches `maxAttempts` marks the event failed for good. */
  async recordFailure(id: string, message: string, maxAttempts = Number.POSITIVE_INFINITY): Promise<void> {
    const { attempts } = await this.prisma.providerEvent.update({
      where: { id },
      data: { attempts: { increment: 1 }, lastError: message },
      select: { attempts: true },
    });
    if (attempts >= maxAttempts)
      await this.prisma.providerEvent.update({ where: { id }, data: { failedAt: new Date() } });
  }

  /** Events given up on, newest first, with why: for admins. */
  async findFailed(limit: number): Promise<InboxEntry[]> {
    const rows = await this.prisma.providerEvent.findMany({
      where: { provider: this.provider, failedAt: { not: null } },
      orderBy: { failedAt: 'desc' },
      take: limit,
    });
    return rows.map(toEntry);
  }
}

function toEntry(row: ProviderEventRow): InboxEntry {
  const stored = row.payload as unknown as StoredPayload;
  return {
    id: row.id,
    providerEventId: row.providerEventId,
    type: row.type,
    objectType: stored.objectType,
    objectId: stored.objectId,
    payload: stored.event,
    receivedAt: row.receivedAt,
    processedAt: row.processedAt,
    attempts: row.attempts,
    lastError: row.lastError,
    failedAt: row.failedAt,
  };
}
