// The webhook route on a loopback port, over a real inbox and job queue on a test database, with the
// provider-event processor working the queue once a test says so.
import type { AddressInfo } from 'node:net';
import express from 'express';
import pino from 'pino';
import { createJobQueue, type JobQueue, type RetryPolicy } from '../../src/jobs/job-queue';
import type { PaymentProvider } from '../../src/billing/ports/payment-provider';
import { ProviderEventInbox } from '../../src/webhooks/provider-event-inbox';
import { ProviderEventProcessor } from '../../src/webhooks/provider-event-processor';
import { stripeWebhookRoute } from '../../src/webhooks/stripe-webhook-route';
import type { TestDatabase } from '../support/test-database';
import { verifyingProvider } from './signed-stripe-events';

export interface WebhookHarness {
  inbox: ProviderEventInbox;
  processor: ProviderEventProcessor;
  queue: JobQueue;
  /** POSTs `body` to /webhooks/stripe with `signature` as its Stripe-Signature header, if any. */
  deliver(delivery: { body: string; signature?: string }): Promise<{ status: number; body: Record<string, unknown> }>;
  startProcessing(retry?: RetryPolicy): Promise<void>;
  close(): Promise<void>;
}

export const TEST_BODY_LIMIT_BYTES = 16 * 1024;

/** Retries a second apart, so a test sees a failed event retried within its time budget. */
const QUICK_RETRY: RetryPolicy = { retryLimit: 3, retryDelaySeconds: 1, retryBackoff: false };

/** `provider` parses the bodies: Stripe's own verification by default, or a real adapter. */
export async function startWebhookHarness(db: TestDatabase, provider: Pick<PaymentProvider, 'parseWebhook'> = verifyingProvider): Promise<WebhookHarness> {
  const logger = pino({ level: 'silent' });
  const queue = createJobQueue(db, { pollingIntervalSeconds: 0.5, logger });
  await queue.start();
  const inbox = new ProviderEventInbox(db.prisma);
  const processor = new ProviderEventProcessor(inbox, logger);
  const app = express();
  app.use(stripeWebhookRoute({ provider, inbox, queue, bodyLimitBytes: TEST_BODY_LIMIT_BYTES, logger }));
  // As the app's own error handler does: a failure the route does not handle is a 500, which Stripe retries.
  app.use(((_error, _req, res, _next) => {
    res.status(500).json({ error: 'internal server error' });
  }) satisfies express.ErrorRequestHandler);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/stripe`;

  return {
    inbox,
    processor,
    queue,
    async deliver({ body, signature }) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', ...(signature && { 'stripe-signature': signature }) },
        body,
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
    startProcessing: (retry = QUICK_RETRY) => processor.work(queue, retry),
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await queue.stop();
    },
  };
}
