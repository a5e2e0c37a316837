// Really signed Stripe events, and a parseWebhook that verifies them with Stripe's own code, as the
// Stripe adapter does: the route under test sees exactly what it will see in production.
import { randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import { InvalidWebhookSignatureError, type PaymentProvider } from '../../src/billing/ports/payment-provider';

export const WEBHOOK_SECRET = 'whsec_inbox_test_secret';

export const verifyingProvider: Pick<PaymentProvider, 'parseWebhook'> = {
  parseWebhook(rawBody, signatureHeader) {
    let event: Stripe.Event;
    try {
      event = Stripe.webhooks.constructEvent(rawBody, signatureHeader, WEBHOOK_SECRET);
    } catch (error) {
      throw new InvalidWebhookSignatureError((error as Error).message);
    }
    const object = event.data.object as { object: string; id: string };
    return {
      id: event.id,
      type: event.type,
      objectType: object.object,
      objectId: object.id,
      createdAt: new Date(event.created * 1000),
      payload: event,
    };
  },
};

export interface SignedEvent {
  id: string;
  body: string;
  signature: string;
}

/** A Stripe event body about `object`, signed with the test secret unless told otherwise. */
export function signedEvent(type: string, object: { object: string; id: string }, secret = WEBHOOK_SECRET): SignedEvent {
  const id = `evt_${randomUUID().replaceAll('-', '')}`;
  const body = JSON.stringify({
    id,
    object: 'event',
    api_version: '2025-01-27.acacia',
    created: Math.floor(Date.now() / 1000),
    type,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: { object },
  });
  return { id, body, signature: Stripe.webhooks.generateTestHeaderString({ payload: body, secret }) };
}
