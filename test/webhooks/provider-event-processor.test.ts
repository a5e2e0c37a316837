import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { ProviderEventInbox } from '../../src/webhooks/provider-event-inbox';
import { ProviderEventProcessor, type InboxEvent } from '../../src/webhooks/provider-event-processor';
import { describeEachDatabase, openTestDatabase, type TestDatabase } from '../support/test-database';

describeEachDatabase('processing a stored provider event on %s', (kind) => {
  let db: TestDatabase;
  let inbox: ProviderEventInbox;
  let processor: ProviderEventProcessor;

  const store = async (type: string) =>
    (
      await inbox.storeOnce({
        id: `evt_${randomUUID()}`,
        type,
        objectType: 'subscription',
        objectId: 'sub_1',
        createdAt: new Date(),
        payload: { type },
      })
    ).id;

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    inbox = new ProviderEventInbox(db.prisma);
  });
  afterAll(async () => {
    await db.close();
  });
  beforeEach(() => {
    processor = new ProviderEventProcessor(inbox, pino({ level: 'silent' }));
  });

  it('runs every handler registered for the type, in order, then marks the event processed', async () => {
    const calls: string[] = [];
    processor
      .on(['customer.subscription.updated', 'customer.subscription.deleted'], async (event) => {
        calls.push(`subscriptions:${event.objectId}`);
      })
      .on(['customer.subscription.updated'], async () => {
        calls.push('entitlements');
      });
    const id = await store('customer.subscription.updated');

    await processor.process(id);

    expect(calls).toEqual(['subscriptions:sub_1', 'entitlements']);
    expect(await inbox.findById(id)).toMatchObject({ processedAt: expect.any(Date), attempts: 1 });
  });

  it('does nothing with an event already processed', async () => {
    const seen: InboxEvent[] = [];
    processor.on(['customer.subscription.deleted'], async (event) => {
      seen.push(event);
    });
    const id = await store('customer.subscription.deleted');

    await processor.process(id);
    await processor.process(id);

    expect(seen).toEqual([
      {
        type: 'customer.subscription.deleted',
        objectType: 'subscription',
        objectId: 'sub_1',
        payload: { type: 'customer.subscription.deleted' },
      },
    ]);
    expect(await inbox.findById(id)).toMatchObject({ attempts: 1 });
  });

  it('records a failing handler and rethrows, leaving the event to a retry', async () => {
    processor.on(['invoice.payment_failed'], async () => {
      throw new Error('provider unavailable');
    });
    const id = await store('invoice.payment_failed');

    await expect(processor.process(id)).rejects.toThrow('provider unavailable');

    expect(await inbox.findById(id)).toMatchObject({
      processedAt: null,
      attempts: 1,
      lastError: 'provider unavailable',
    });
  });

  it('acknowledges an event no handler wants', async () => {
    const id = await store('radar.early_fraud_warning.created');

    await processor.process(id);

    expect(await inbox.findById(id)).toMatchObject({ processedAt: expect.any(Date) });
  });

  it('lets a job for an inbox entry that no longer exists finish', async () => {
    await expect(processor.process(randomUUID())).resolves.toBeUndefined();
  });
});
