import { ProviderRequestError } from '../../src/billing/ports/payment-provider';
import type { InboxEvent } from '../../src/webhooks/provider-event-processor';
import { waitUntil } from '../support/eventually';
import { describeEachDatabase, openTestDatabase, type TestDatabase } from '../support/test-database';
import { signedEvent } from './signed-stripe-events';
import { httpError, startWebhookHarness, TEST_BODY_LIMIT_BYTES, type WebhookHarness } from './webhook-harness';

const invoice = (id: string) => ({ object: 'invoice', id });

describeEachDatabase('Stripe webhooks on %s', (kind) => {
  let db: TestDatabase;
  let webhooks: WebhookHarness;
  let handled: InboxEvent[];

  const inboxRows = (providerEventId: string) => db.prisma.providerEvent.findMany({ where: { providerEventId } });
  /** The jobs made for an inbox entry: a route that answers has already sent its job. */
  const jobsOf = async (inboxId: string) =>
    Number(
      (
        await db.executeSql(
          `SELECT (SELECT count(*) FROM pgboss.job WHERE data->>'inboxId' = $1) + (SELECT count(*) FROM pgboss.archive WHERE data->>'inboxId' = $1) AS n`,
          [inboxId],
        )
      ).rows[0]!.n,
    );

  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await db.close();
  });
  beforeEach(async () => {
    webhooks = await startWebhookHarness(db);
    handled = [];
    webhooks.processor.on(['invoice.paid', 'invoice.payment_failed'], async (event) => {
      handled.push(event);
    });
  });
  afterEach(async () => {
    await webhooks.close();
  });

  it('stores a verified event, answers at once, and hands it to the handler of its type', async () => {
    const event = signedEvent('invoice.paid', invoice('in_paid'));

    const response = await webhooks.deliver(event);

    expect(response).toEqual({ status: 200, body: { received: true, duplicate: false } });
    expect(await inboxRows(event.id)).toEqual([expect.objectContaining({ type: 'invoice.paid', processedAt: null })]);

    await webhooks.startProcessing();
    await waitUntil('the handler ran', () => handled.length === 1);
    expect(handled[0]).toEqual({
      type: 'invoice.paid',
      objectType: 'invoice',
      objectId: 'in_paid',
      payload: expect.objectContaining({ id: event.id, data: { object: invoice('in_paid') } }),
    });
    await waitUntil('the event is marked processed', async () => (await inboxRows(event.id))[0]?.processedAt != null);
  });

  it('refuses a body whose signature does not verify, and stores nothing', async () => {
    const forged = signedEvent('invoice.paid', invoice('in_forged'), 'whsec_not_ours');
    const tampered = signedEvent('invoice.paid', invoice('in_tampered'));
    const unsigned = signedEvent('invoice.paid', invoice('in_unsigned'));

    const responses = [
      await webhooks.deliver(forged),
      await webhooks.deliver({ ...tampered, body: tampered.body.replace('in_tampered', 'in_someone_else') }),
      await webhooks.deliver({ body: unsigned.body }),
    ];

    expect(responses).toEqual(Array(3).fill({ status: 400, body: httpError('invalid signature', 'BAD_REQUEST') }));
    for (const { id } of [forged, tampered, unsigned]) expect(await inboxRows(id)).toEqual([]);
  });

  it('keeps one row and processes once when Stripe delivers an event again', async () => {
    const event = signedEvent('invoice.payment_failed', invoice('in_twice'));

    const first = await webhooks.deliver(event);
    const whileWaiting = await webhooks.deliver(event);
    await webhooks.startProcessing();
    await waitUntil('the handler ran', () => handled.length === 1);
    await waitUntil('the event is marked processed', async () => (await inboxRows(event.id))[0]?.processedAt != null);
    const afterProcessing = await webhooks.deliver(event);

    expect(first.body).toEqual({ received: true, duplicate: false });
    expect(whileWaiting).toEqual({ status: 200, body: { received: true, duplicate: true } });
    expect(afterProcessing).toEqual({ status: 200, body: { received: true, duplicate: true } });
    // One job, already done: nothing is left to handle the event again.
    const rows = await inboxRows(event.id);
    expect(rows).toHaveLength(1);
    expect(await jobsOf(rows[0]!.id)).toBe(1);
    expect(handled).toHaveLength(1);
  });

  it('enqueues a redelivered event whose first delivery was stored but never enqueued', async () => {
    const event = signedEvent('invoice.paid', invoice('in_lost_job'));
    jest.spyOn(webhooks.queue, 'send').mockRejectedValueOnce(new Error('connection reset'));

    const first = await webhooks.deliver(event);
    const retried = await webhooks.deliver(event);
    await webhooks.startProcessing();

    expect(first.status).toBe(500);
    expect(retried).toEqual({ status: 200, body: { received: true, duplicate: true } });
    await waitUntil('the handler ran', () => handled.length === 1);
  });

  it('refuses a body over the size limit with 413, and stores nothing', async () => {
    const huge = signedEvent('invoice.paid', {
      ...invoice('in_huge'),
      description: 'x'.repeat(TEST_BODY_LIMIT_BYTES),
    } as never);

    const response = await webhooks.deliver(huge);

    expect(response).toEqual({ status: 413, body: httpError('request body too large', 'PAYLOAD_TOO_LARGE') });
    expect(await inboxRows(huge.id)).toEqual([]);
  });

  it('acknowledges an event of a type no handler wants, without handling it', async () => {
    const event = signedEvent('customer.discount.created', { object: 'discount', id: 'di_1' });

    expect((await webhooks.deliver(event)).status).toBe(200);
    await webhooks.startProcessing();

    await waitUntil('the event is marked processed', async () => (await inboxRows(event.id))[0]?.processedAt != null);
    expect(handled).toEqual([]);
  });

  it('retries an event whose handler fails, recording why, until the handler succeeds', async () => {
    const event = signedEvent('invoice.paid', invoice('in_flaky'));
    let calls = 0;
    webhooks.processor.on(['invoice.paid'], async () => {
      calls += 1;
      if (calls === 1) throw new Error('provider unavailable');
    });

    await webhooks.deliver(event);
    await webhooks.startProcessing();

    await waitUntil(
      'the failure is recorded',
      async () => (await inboxRows(event.id))[0]?.lastError === 'provider unavailable',
    );
    await waitUntil('the retry succeeded', async () => (await inboxRows(event.id))[0]?.processedAt != null);
    expect(calls).toBe(2);
    expect(await inboxRows(event.id)).toEqual([expect.objectContaining({ attempts: 2, lastError: null })]);
  });

  it('makes one job of 50 concurrent first deliveries of an event, and of later ones while its job runs', async () => {
    let release!: () => void;
    const running = new Promise<void>((resolve) => (release = resolve));
    webhooks.processor.on(['invoice.finalized'], async (event) => {
      handled.push(event);
      await running;
    });
    await webhooks.startProcessing();
    const event = signedEvent('invoice.finalized', invoice('in_clicked'));

    const responses = await Promise.all(Array.from({ length: 50 }, () => webhooks.deliver(event)));
    expect(responses.every((response) => response.status === 200)).toBe(true);
    const [row] = await inboxRows(event.id);
    await waitUntil('the job runs', () => handled.length === 1);
    await Promise.all(Array.from({ length: 10 }, () => webhooks.deliver(event)));
    release();
    await waitUntil('the event is processed', async () => (await inboxRows(event.id))[0]?.processedAt != null);

    expect(await jobsOf(row!.id)).toBe(1);
    expect(handled).toHaveLength(1);
  });

  it('gives up on an event whose object the provider no longer has after its bounded retries, keeping it failed with why', async () => {
    webhooks.processor.on(['customer.subscription.updated'], async () => {
      throw new ProviderRequestError('the payment provider has no such object (404)');
    });
    await webhooks.startProcessing({ retryLimit: 2, retryDelaySeconds: 1, retryBackoff: false });
    const event = signedEvent('customer.subscription.updated', { object: 'subscription', id: 'sub_gone' });
    await webhooks.deliver(event);

    await waitUntil('the event is given up on', async () => (await inboxRows(event.id))[0]?.failedAt != null, 30_000);
    const [row] = await inboxRows(event.id);
    expect(row).toMatchObject({
      attempts: 3,
      processedAt: null,
      lastError: 'the payment provider has no such object (404)',
    });
    expect((await webhooks.inbox.findFailed(10)).map((entry) => entry.id)).toContain(row!.id);
    expect(
      (await webhooks.inbox.findUnprocessed(100, new Date(Date.now() + 60_000))).map((entry) => entry.id),
    ).not.toContain(row!.id);

    // A redelivery finds it settled: no new job, no new attempt.
    expect(await webhooks.deliver(event)).toEqual({ status: 200, body: { received: true, duplicate: true } });
    expect(await jobsOf(row!.id)).toBe(1);
    expect((await inboxRows(event.id))[0]?.attempts).toBe(3);
  });
});
