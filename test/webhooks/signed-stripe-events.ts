// Really signed Stripe events, for the webhook route and the real Stripe adapter that parses them.
import { randomUUID } from 'node:crypto';
import Stripe from 'stripe';

export const WEBHOOK_SECRET = 'whsec_inbox_test_secret';

export interface SignedEvent {
  id: string;
  body: string;
  signature: string;
}

/** A Stripe event body about `object`, signed with the test secret unless told otherwise. */
export function signedEvent(
  type: string,
  object: { object: string; id: string },
  secret = WEBHOOK_SECRET,
): SignedEvent {
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
