/**
 * A local, stateful Stripe emulator: the part of Stripe's API this service uses, over HTTP, for the
 * official `stripe` SDK (`host`/`port`/`protocol` options). See README.md beside this file.
 */
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { Emulator } from './emulator.ts';
import { ApiServer } from './http/api-server.ts';
import { DEFAULT_DUNNING, type DunningFinalState } from './billing/dunning-policy.ts';
import { SeededRandom } from './random.ts';
import { WebhookDispatcher, type WebhookTarget } from './webhooks/webhook-dispatcher.ts';
import { registerCustomerRoutes } from './resources/customers.ts';
import { registerPaymentMethodRoutes } from './resources/payment-methods.ts';
import { registerIntentRoutes } from './resources/intents.ts';
import { registerCatalogRoutes } from './resources/catalog.ts';
import { registerSubscriptionRoutes } from './resources/subscriptions.ts';
import { registerInvoiceRoutes } from './resources/invoices.ts';
import { registerEventRoutes } from './resources/events-and-endpoints.ts';
import { registerTestClockRoutes } from './resources/test-clocks.ts';
import { registerAdminRoutes } from './resources/admin.ts';
import { registerChargeAndRefundRoutes } from './resources/refunds.ts';
import { registerCreditNoteRoutes } from './resources/credit-notes.ts';
import { registerMandateRoutes } from './resources/mandates.ts';
import { StateFile } from './persistence/state-file.ts';

export interface StripeEmulatorOptions {
  /** Only 127.0.0.1 (the default) is accepted: the emulator never listens beyond loopback. */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Makes ids, the emulator's own clock and chaos reproducible. */
  seed?: number;
  /** Endpoints that receive every event (`enabled_events: ['*']`), besides those created through the API. */
  webhookEndpoints?: { url: string; secret: string }[];
  /** Delivers webhooks duplicated, delayed and out of order, as Stripe may; seeded. */
  chaos?: { seed: number; duplicateRate?: number; maxDelayMs?: number; shuffle?: boolean };
  dunning?: { retryDays?: number[]; finalState?: DunningFinalState };
  /** Days before each renewal that `invoice.upcoming` is sent, as the account's "upcoming renewal events" setting (default 3; 0 turns it off). */
  upcomingRenewalDays?: number;
  /**
   * Days a SEPA Direct Debit stays `processing` before it succeeds or fails late (default 5; Stripe: up to 14
   * business days). Counted on the customer's test clock, or the emulator's own clock.
   */
  debitSettlementDays?: number;
  /** Backoff of webhook redelivery after a non-2xx answer: `initialDelayMs × 2^(attempt-1)`. */
  webhookRetry?: { maxAttempts?: number; initialDelayMs?: number };
  /** Largest request body accepted (default 1 MiB); a larger one is answered 413 and never held in memory. */
  bodyLimitBytes?: number;
  /** How many requests, webhook deliveries and idempotency keys are kept (default 10,000 each; oldest dropped). */
  logCapacity?: number;
  /**
   * A JSON file that keeps the emulator's objects across restarts: read at start when it exists, rewritten
   * (debounced, atomically) after each change. Unset: memory only.
   */
  stateFile?: string;
  logger?: (line: string) => void;
}

export interface RunningStripeEmulator {
  host: string;
  port: number;
  url: string;
  /** an API key the emulator accepts */
  apiKey: string;
  /**
   * Adds an endpoint that receives every event, as `webhookEndpoints` does at start: for a receiver that
   * only knows its address once it listens.
   */
  addWebhookEndpoint(endpoint: { url: string; secret: string }): void;
  reset(): void;
  close(): Promise<void>;
}

const API_KEY = 'sk_test_emulator';
/** Stripe: "up to 14 business days"; most SEPA debits settle within a business week. */
const DEFAULT_DEBIT_SETTLEMENT_DAYS = 5;

export async function startStripeEmulator(options: StripeEmulatorOptions = {}): Promise<RunningStripeEmulator> {
  const host = options.host ?? '127.0.0.1';
  if (host !== '127.0.0.1') throw new Error(`The Stripe emulator listens on 127.0.0.1 only, not on ${host}.`);
  const log = options.logger ?? (() => undefined);
  const configured: WebhookTarget[] = (options.webhookEndpoints ?? []).map((endpoint) => ({
    ...endpoint,
    enabledEvents: ['*'],
  }));
  // Endpoints created through the API join the configured ones; read at each delivery.
  const targets = (): WebhookTarget[] => [
    ...configured,
    ...emulator.store.webhookEndpoints
      .all()
      .filter((endpoint) => endpoint.status === 'enabled')
      .map((endpoint) => ({
        url: endpoint.url,
        secret: emulator.store.endpointSecrets.get(endpoint.id) ?? '',
        enabledEvents: endpoint.enabled_events,
      })),
  ];
  const logCapacity = options.logCapacity ?? 10_000;
  const chaos = options.chaos
    ? {
        random: new SeededRandom(options.chaos.seed),
        duplicateRate: options.chaos.duplicateRate ?? 0,
        maxDelayMs: options.chaos.maxDelayMs ?? 0,
        shuffle: options.chaos.shuffle ?? false,
      }
    : undefined;
  const webhooks = new WebhookDispatcher(
    targets,
    {
      maxAttempts: options.webhookRetry?.maxAttempts ?? 8,
      initialDelayMs: options.webhookRetry?.initialDelayMs ?? 1000,
    },
    chaos,
    log,
    logCapacity,
  );
  const emulator = new Emulator(
    {
      seed: options.seed,
      apiVersion: Stripe.API_VERSION,
      upcomingRenewalDays: options.upcomingRenewalDays ?? 3,
      dunning: {
        retryDays: options.dunning?.retryDays ?? DEFAULT_DUNNING.retryDays,
        finalState: options.dunning?.finalState ?? DEFAULT_DUNNING.finalState,
      },
      debitSettlementDays: options.debitSettlementDays ?? DEFAULT_DEBIT_SETTLEMENT_DAYS,
      log,
    },
    webhooks,
  );
  webhooks.onAllDelivered = (event) => {
    const invoice =
      event.type === 'invoice.created'
        ? emulator.store.invoices.get((event.data.object as Stripe.Invoice).id)
        : undefined;
    if (invoice) invoice.webhooks_delivered_at = emulator.now(invoice.test_clock);
  };
  const api = new ApiServer(emulator, { bodyLimitBytes: options.bodyLimitBytes ?? 1024 * 1024, logCapacity });
  const reset = (): void => {
    emulator.reset();
    emulator.changed();
    api.requests.clear();
    api.idempotency.clear();
  };
  registerRoutes(emulator, () => registerAdminRoutes(emulator, api.requests, reset));
  const state = options.stateFile ? new StateFile(options.stateFile, emulator) : null;
  if (state) {
    if (state.load()) log(`Stripe emulator state restored from ${options.stateFile}`);
    emulator.changed = () => state.changed();
  }

  await new Promise<void>((resolve, reject) => {
    api.server.once('error', reject);
    api.server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (api.server.address() as AddressInfo).port;
  const url = `http://${host}:${port}`;
  emulator.baseUrl = url;
  log(`Stripe emulator listening on ${url}`);
  return {
    host,
    port,
    url,
    apiKey: API_KEY,
    addWebhookEndpoint: (endpoint) => {
      configured.push({ ...endpoint, enabledEvents: ['*'] });
    },
    reset,
    close: async () => {
      state?.flush();
      await webhooks.close();
      await new Promise<void>((resolve) => {
        api.server.close(() => resolve());
        api.server.closeAllConnections();
      });
    },
  };
}

function registerRoutes(emulator: Emulator, registerAdmin: () => void): void {
  registerAdmin();
  registerCustomerRoutes(emulator);
  registerPaymentMethodRoutes(emulator);
  registerIntentRoutes(emulator);
  registerCatalogRoutes(emulator);
  registerSubscriptionRoutes(emulator);
  registerInvoiceRoutes(emulator);
  registerEventRoutes(emulator);
  registerTestClockRoutes(emulator);
  registerChargeAndRefundRoutes(emulator);
  registerCreditNoteRoutes(emulator);
  registerMandateRoutes(emulator);
}
