// POST /webhooks/stripe: verify, store once, enqueue, answer. The work happens in the provider-event job,
// so Stripe gets its 2xx in one insert and one enqueue, and a slow or failing handler never makes it resend.
import express, { Router, type ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { sendHttpError } from './http-errors.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import {
  InvalidWebhookSignatureError,
  MalformedWebhookError,
  type PaymentProvider,
  type ProviderEvent,
} from '../billing/ports/payment-provider.ts';
import type { ProviderEventInbox } from '../webhooks/provider-event-inbox.ts';
import { PROVIDER_EVENT_JOB, type ProviderEventJob } from '../webhooks/provider-event-processor.ts';

export interface StripeWebhookRouteDependencies {
  provider: Pick<PaymentProvider, 'parseWebhook'>;
  inbox: Pick<ProviderEventInbox, 'storeOnce'>;
  queue: Pick<JobQueue, 'send'>;
  bodyLimitBytes: number;
  logger: Logger;
}

export function stripeWebhookRoute({
  provider,
  inbox,
  queue,
  bodyLimitBytes,
  logger,
}: StripeWebhookRouteDependencies): Router {
  const router = Router();
  // The signature covers the exact bytes sent, so the body must reach the check unparsed, whatever its type.
  const rawBody = express.raw({ type: () => true, limit: bodyLimitBytes });

  router.post('/webhooks/stripe', rawBody, async (req, res) => {
    const signature = req.get('stripe-signature');
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    let event: ProviderEvent;
    try {
      if (!signature) throw new InvalidWebhookSignatureError('no Stripe-Signature header');
      event = provider.parseWebhook(body, signature);
    } catch (error) {
      if (error instanceof MalformedWebhookError) {
        logger.error({ err: error, requestId: res.locals.requestId }, 'webhook refused: signed, but not an event');
        sendHttpError(res, 400, 'malformed event');
        return;
      }
      if (!(error instanceof InvalidWebhookSignatureError)) throw error;
      logger.warn({ err: error, requestId: res.locals.requestId }, 'webhook refused: signature does not verify');
      sendHttpError(res, 400, 'invalid signature');
      return;
    }

    const { stored, id, settled } = await inbox.storeOnce(event);
    // A redelivery of an event still waiting is enqueued again: the first delivery may have been stored
    // and then failed to enqueue. The job's id is the event's, so every delivery after the first (50 at
    // once, or one an hour later while the first job retries) is dropped by the queue: one job per event.
    if (!settled) await queue.send<ProviderEventJob>(PROVIDER_EVENT_JOB, { inboxId: id }, { id, singletonKey: id });
    logger.debug({ eventId: event.id, type: event.type, inboxId: id, duplicate: !stored }, 'webhook received');
    res.json({ received: true, duplicate: !stored });
  });

  router.use(bodyErrors);
  return router;
}

/** Oversized or unreadable bodies get their 4xx here; anything else goes on to the app's error handler. */
const bodyErrors: ErrorRequestHandler = (error: { status?: number }, _req, res, next) => {
  if (typeof error.status !== 'number' || error.status < 400 || error.status >= 500) {
    next(error);
    return;
  }
  if (error.status === 413) sendHttpError(res, 413);
  else sendHttpError(res, 400, 'unreadable request body');
};
