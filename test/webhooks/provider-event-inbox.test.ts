import { randomUUID } from 'node:crypto';
import type { ProviderEvent } from '../../src/billing/ports/payment-provider';
import { ProviderEventInbox } from '../../src/webhooks/provider-event-inbox';
import { PROVIDER_EVENT_JOB, resendStalledEvents } from '../../src/webhooks/provider-event-processor';
import { describeEachDatabase, openTestDatabase, type TestDatabase } from '../support/test-database';

function providerEvent(fields: Partial<ProviderEvent> = {}): ProviderEvent {
  return {
    id: `evt_${randomUUID()}`,
    type: 'invoice.paid',
    objectType: 'invoice',
    objectId: 'in_1',
    createdAt: new Date('2026-11-01T10:00:00Z'),
    payload: { id: 'evt', data: { object: { id: 'in_1', object: 'invoice' } } },
    ...fields,
  };
}

describeEachDatabase('the provider event inbox on %s', (kind) => {
  let db: TestDatabase;
  let inbox: ProviderEventInbox;

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    inbox = new ProviderEventInbox(db.prisma);
  });
  afterAll(async () => {
    await db.close();
  });

  it('stores an event once, and answers a redelivery with the first row', async () => {
    const event = providerEvent();

    const first = await inbox.storeOnce(event);
    const again = await inbox.storeOnce(event);

    expect(first).toEqual({ stored: true, id: expect.any(String), settled: false });
    expect(again).toEqual({ stored: false, id: first.id, settled: false });
    expect(await db.prisma.providerEvent.count({ where: { providerEventId: event.id } })).toBe(1);
  });

  it('gives back what the provider port said about the event', async () => {
    const event = providerEvent({
      type: 'customer.subscription.updated',
      objectType: 'subscription',
      objectId: 'sub_9',
    });

    const { id } = await inbox.storeOnce(event);

    expect(await inbox.findById(id)).toMatchObject({
      providerEventId: event.id,
      type: 'customer.subscription.updated',
      objectType: 'subscription',
      objectId: 'sub_9',
      payload: event.payload,
      processedAt: null,
      attempts: 0,
    });
  });

  it('counts failed attempts with the last reason, and clears the reason once processed', async () => {
    const { id } = await inbox.storeOnce(providerEvent());

    await inbox.recordFailure(id, 'provider unavailable');
    await inbox.recordFailure(id, 'timeout');
    expect(await inbox.findById(id)).toMatchObject({ attempts: 2, lastError: 'timeout', processedAt: null });

    await inbox.markProcessed(id);
    expect(await inbox.findById(id)).toMatchObject({ attempts: 3, lastError: null, processedAt: expect.any(Date) });
  });

  it('reports a redelivery of a processed event as processed', async () => {
    const event = providerEvent();
    const { id } = await inbox.storeOnce(event);
    await inbox.markProcessed(id);

    expect(await inbox.storeOnce(event)).toEqual({ stored: false, id, settled: true });
  });

  it('lists unprocessed events oldest first, up to a limit', async () => {
    await db.prisma.providerEvent.updateMany({ data: { processedAt: new Date() } });
    const ids = [];
    for (const minute of [1, 2, 3]) {
      const { id } = await inbox.storeOnce(providerEvent());
      await db.prisma.providerEvent.update({
        where: { id },
        data: { receivedAt: new Date(Date.UTC(2026, 10, 1, 10, minute)) },
      });
      ids.push(id);
    }
    await inbox.markProcessed(ids[1]!);

    const unprocessed = await inbox.findUnprocessed(10);
    const oldest = await inbox.findUnprocessed(1);

    expect(unprocessed.map((entry) => entry.id)).toEqual([ids[0], ids[2]]);
    expect(oldest.map((entry) => entry.id)).toEqual([ids[0]]);
  });

  it('gives stalled events another job, leaving recent and processed ones alone', async () => {
    const stalled = await inbox.storeOnce(providerEvent());
    const recent = await inbox.storeOnce(providerEvent());
    const done = await inbox.storeOnce(providerEvent());
    const longAgo = new Date(Date.now() - 5 * 3_600_000);
    await db.prisma.providerEvent.updateMany({
      where: { id: { in: [stalled.id, done.id] } },
      data: { receivedAt: longAgo },
    });
    await inbox.markProcessed(done.id);
    await db.prisma.providerEvent.updateMany({
      where: { processedAt: null, id: { notIn: [stalled.id, recent.id] } },
      data: { processedAt: new Date() },
    });

    const sent: unknown[] = [];
    const queue = {
      send: async (name: string, data: object, options?: object) => (sent.push({ name, data, options }), 'job'),
    };
    const resent = await resendStalledEvents(queue, inbox, new Date(Date.now() - 4 * 3_600_000));

    expect(resent).toBe(1);
    expect(sent).toEqual([
      {
        name: PROVIDER_EVENT_JOB,
        data: { inboxId: stalled.id },
        options: { id: stalled.id, singletonKey: stalled.id },
      },
    ]);
  });
});
