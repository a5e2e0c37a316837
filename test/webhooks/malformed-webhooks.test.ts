import Stripe from 'stripe';
import { openTestDatabase, type TestDatabase } from '../support/test-database';
import { signedEvent, WEBHOOK_SECRET } from './signed-stripe-events';
import { httpError, startWebhookHarness, type WebhookHarness } from './webhook-harness';

const signed = (body: string) => ({
  body,
  signature: Stripe.webhooks.generateTestHeaderString({ payload: body, secret: WEBHOOK_SECRET }),
});

describe('webhooks whose signature verifies but whose body is not an event', () => {
  let db: TestDatabase;
  let webhooks: WebhookHarness;

  beforeAll(async () => {
    db = await openTestDatabase('pglite');
    webhooks = await startWebhookHarness(db);
  });
  afterAll(async () => {
    await webhooks.close();
    await db.close();
  });

  const event = JSON.parse(signedEvent('invoice.paid', { object: 'invoice', id: 'in_1' }).body) as Record<
    string,
    unknown
  >;

  it.each([
    ['not JSON', 'this is not json'],
    ['JSON null', 'null'],
    ['a list', '[]'],
    ['no data', JSON.stringify({ ...event, data: undefined })],
    ['no creation time', JSON.stringify({ ...event, created: 'yesterday' })],
    ['an id that is not an event id', JSON.stringify({ ...event, id: `evt_${'x'.repeat(5000)}` })],
    ['a NUL character', JSON.stringify({ ...event, data: { object: { object: 'invoice', id: 'in_\u0000' } } })],
  ])('answers 400 for %s, and stores nothing', async (_case, body) => {
    const stored = await db.prisma.providerEvent.count();
    expect(await webhooks.deliver(signed(body))).toEqual({
      status: 400,
      body: httpError('malformed event', 'BAD_REQUEST'),
    });
    expect(await db.prisma.providerEvent.count()).toBe(stored);
  });

  it('still stores a well-formed event', async () => {
    const stored = await db.prisma.providerEvent.count();
    expect((await webhooks.deliver(signedEvent('invoice.paid', { object: 'invoice', id: 'in_2' }))).status).toBe(200);
    expect(await db.prisma.providerEvent.count()).toBe(stored + 1);
  });
});
