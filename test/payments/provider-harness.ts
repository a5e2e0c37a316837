import { randomUUID } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import Stripe from 'stripe';
import {
  startStripeEmulator,
  type RunningStripeEmulator,
  type StripeEmulatorOptions,
} from '@billing-subgraph/stripe-emulator';
import {
  StripePaymentProvider,
  type StripePaymentProviderOptions,
} from '../../src/payments/stripe/stripe-payment-provider.ts';

export const WEBHOOK_SECRET = 'whsec_test_payments';

export interface ProviderHarness {
  emulator: RunningStripeEmulator;
  provider: StripePaymentProvider;
  /** The SDK as the browser's Stripe.js would use it: confirming intents, answering 3-D Secure. */
  browser: Stripe;
  /** What the adapter logged, parsed. */
  logs: Record<string, unknown>[];
  close(): Promise<void>;
}

/** A fresh emulator and the adapter pointed at it (through `port` when given, e.g. a proxy's). */
export async function startProviderHarness(
  options: { emulator?: StripeEmulatorOptions; provider?: Partial<StripePaymentProviderOptions> } = {},
): Promise<ProviderHarness> {
  const emulator = await startStripeEmulator({ seed: 42, ...options.emulator });
  const logs: Record<string, unknown>[] = [];
  const provider = new StripePaymentProvider({
    secretKey: emulator.apiKey,
    webhookSecret: WEBHOOK_SECRET,
    host: emulator.host,
    port: emulator.port,
    protocol: 'http',
    retryBaseDelayMs: 1,
    logger: capturingLogger(logs),
    ...options.provider,
  });
  const browser = new Stripe(emulator.apiKey, {
    host: emulator.host,
    port: emulator.port,
    protocol: 'http',
    maxNetworkRetries: 0,
  });
  return { emulator, provider, browser, logs, close: () => emulator.close() };
}

export function capturingLogger(into: Record<string, unknown>[]): pino.Logger {
  return pino({ level: 'debug' }, { write: (line: string) => into.push(JSON.parse(line) as Record<string, unknown>) });
}

/** A fresh idempotency key, as a caller makes one per intended write. */
export function newKey(): string {
  return `test-${randomUUID()}`;
}

/**
 * Saves a test payment method the way the web app does: SetupIntent here, confirmation in the browser, which
 * gives a SEPA mandate's acceptance (the customer's device, never this service).
 */
export async function saveMethod(
  harness: ProviderHarness,
  customerId: string,
  testMethod = 'pm_card_visa',
): Promise<string> {
  const type = testMethod.startsWith('pm_card') ? 'CARD' : testMethod.startsWith('pm_paypal') ? 'PAYPAL' : 'SEPA_DEBIT';
  const intent = await harness.provider.createSetupIntent(customerId, type, newKey());
  const mandate =
    type === 'SEPA_DEBIT'
      ? {
          mandate_data: {
            customer_acceptance: {
              type: 'online' as const,
              online: { ip_address: '203.0.113.7', user_agent: 'test browser' },
            },
          },
        }
      : {};
  await harness.browser.setupIntents.confirm(intent.id, { payment_method: testMethod, ...mandate });
  const confirmed = await harness.provider.retrieveSetupIntent(intent.id);
  if (!confirmed.paymentMethodId)
    throw new Error(`setup intent ${intent.id} has no payment method (${confirmed.status})`);
  return confirmed.paymentMethodId;
}

/** A customer with a saved default payment method, and a monthly price of `amount` cents. */
export async function customerAndPrice(
  harness: ProviderHarness,
  testMethod = 'pm_card_visa',
  amount = 1000,
): Promise<{ customerId: string; paymentMethodId: string; priceId: string }> {
  const { id: customerId } = await harness.provider.createCustomer(randomUUID(), newKey());
  const paymentMethodId = await saveMethod(harness, customerId, testMethod);
  await harness.provider.setDefaultPaymentMethod(customerId, paymentMethodId, newKey());
  const priceId = await harness.provider.ensurePrice(
    { id: `plan-${amount}`, name: `Plan ${amount}` },
    { id: `price-${amount}`, interval: 'MONTH', amount, currency: 'EUR' },
    newKey(),
  );
  return { customerId, paymentMethodId, priceId };
}

export interface LoggedRequest {
  method: string;
  path: string;
  params: Record<string, unknown>;
  idempotency_key: string | null;
  status: number;
  /** The provider answered with the first answer under this key, doing nothing again. */
  idempotent_replayed: boolean;
}

/** The emulator's request log: every API request it received, oldest first. */
export async function requestLog(emulator: RunningStripeEmulator): Promise<LoggedRequest[]> {
  const response = await fetch(`${emulator.url}/_emulator/requests`);
  return ((await response.json()) as { data: LoggedRequest[] }).data;
}

/**
 * What the proxy does with the n-th request (1-based): forward it, answer an error status (with headers),
 * never answer, or forward it and drop the connection instead of answering (the provider acted, the caller
 * never hears of it).
 */
export type ProxyScript = (
  attempt: number,
  request: { method: string; path: string; body: string },
) => 'forward' | 'hang' | 'lose-answer' | number | { status: number; headers: Record<string, string> };

export interface StripeProxy {
  port: number;
  /** Every request that reached the proxy, with its headers. */
  received: { method: string; path: string; headers: IncomingHttpHeaders }[];
  close(): Promise<void>;
}

/**
 * A loopback HTTP server in front of the emulator (or of nothing): records headers, which the emulator's
 * log keeps for POSTs only, and plays outages with Stripe-shaped error bodies.
 */
export async function startStripeProxy(
  targetPort: number,
  script: ProxyScript = () => 'forward',
): Promise<StripeProxy> {
  const received: StripeProxy['received'] = [];
  const server: Server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      received.push({ method: incoming.method ?? '', path: incoming.url ?? '', headers: incoming.headers });
      const action = script(received.length, {
        method: incoming.method ?? '',
        path: incoming.url ?? '',
        body: Buffer.concat(chunks).toString(),
      });
      if (action === 'hang') return;
      if (action !== 'forward' && action !== 'lose-answer') {
        const { status, headers } = typeof action === 'number' ? { status: action, headers: {} } : action;
        const type = status === 429 ? 'invalid_request_error' : 'api_error';
        outgoing
          .writeHead(status, { 'content-type': 'application/json', ...headers })
          .end(JSON.stringify({ error: { type, message: `Simulated ${status}: internal detail 7f3a` } }));
        return;
      }
      const forward = httpRequest(
        { host: '127.0.0.1', port: targetPort, method: incoming.method, path: incoming.url, headers: incoming.headers },
        (answer) => {
          if (action === 'lose-answer') {
            answer.resume();
            answer.on('end', () => incoming.socket.destroy());
            return;
          }
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      forward.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
