// The webhook route in the real HTTP app on a loopback port, parsed by the real Stripe adapter, over a real
// inbox and job queue on a test database, with the provider-event processor working the queue once a test
// says so. The app serves no GraphQL here: its Apollo server has an empty schema.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import pino from 'pino';
import type { GraphQLContext } from '../../src/graphql/context';
import { createHttpApp } from '../../src/http/http-app';
import { createJobQueue, type JobQueue, type RetryPolicy } from '../../src/jobs/job-queue';
import { StripePaymentProvider } from '../../src/payments/stripe/stripe-payment-provider';
import { ProviderEventInbox } from '../../src/webhooks/provider-event-inbox';
import { ProviderEventProcessor } from '../../src/webhooks/provider-event-processor';
import { stripeWebhookRoute } from '../../src/http/stripe-webhook-route';
import type { TestDatabase } from '../support/test-database';
import { WEBHOOK_SECRET } from './signed-stripe-events';

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

export async function startWebhookHarness(db: TestDatabase): Promise<WebhookHarness> {
  const logger = pino({ level: 'silent' });
  const queue = createJobQueue(db, { pollingIntervalSeconds: 0.5, logger });
  await queue.start();
  const inbox = new ProviderEventInbox(db.prisma);
  const processor = new ProviderEventProcessor(inbox, logger);
  // Parsing a webhook makes no request to the provider.
  const provider = new StripePaymentProvider({ secretKey: 'sk_test_not_used', webhookSecret: WEBHOOK_SECRET, logger });
  const apollo = new ApolloServer<GraphQLContext>({ typeDefs: 'type Query { webhooksOnly: Boolean }', logger });
  await apollo.start();
  const http = createHttpApp({
    apollo,
    context: () => Promise.reject(new Error('the webhook harness serves no GraphQL')),
    database: db,
    logger,
    bodyLimitBytes: TEST_BODY_LIMIT_BYTES,
    gatewaySecret: null,
    routes: [stripeWebhookRoute({ provider, inbox, queue, bodyLimitBytes: TEST_BODY_LIMIT_BYTES, logger })],
  });
  const server = createServer(http).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/stripe`;

  return {
    inbox,
    processor,
    queue,
    async deliver({ body, signature }) {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          ...(signature && { 'stripe-signature': signature }),
        },
        body,
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
    startProcessing: (retry = QUICK_RETRY) => processor.work(queue, retry),
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await apollo.stop();
      await queue.stop();
    },
  };
}

/** The body of an HTTP-level error, as every route answers one (src/http/http-errors.ts). */
export const httpError = (message: string, code: string) => ({ errors: [{ message, extensions: { code } }] });
