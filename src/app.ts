// Composition root: builds the database, payment provider, billing domain, GraphQL server and HTTP app
// from a Config. main.ts adds the listening socket and signals; tests call createApp directly.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { ApolloServer } from '@apollo/server';
import type { RequestListener } from 'node:http';
import pino, { type Logger } from 'pino';
import { createTokenVerifier } from './auth/token-verifier.ts';
import { createBillingServices, type BillingDomain, type BillingSettings } from './billing/billing-services.ts';
import { keepCachesInStep } from './billing/change-notifications.ts';
import { systemClock, type Clock } from './billing/clock.ts';
import type { Config } from './config.ts';
import { openDatabase, type Database } from './db/database.ts';
import { lockEmbeddedDatabase } from './db/embedded-database-lock.ts';
import { applyMigrations, pendingMigrations } from './db/migration-runner.ts';
import { RateLimitCounters } from './db/rate-limit-counters.ts';
import { createApolloServer } from './graphql/apollo-server.ts';
import type { GraphQLContext } from './graphql/context.ts';
import { createContextFactory } from './graphql/context-factory.ts';
import { ProviderRateLimiter } from './graphql/provider-budget.ts';
import { createHttpApp } from './http/http-app.ts';
import { invoicePdfRoute } from './http/invoice-pdf-route.ts';
import { createPlaygroundRoute } from './http/playground-route.ts';
import { registerBillingJobs } from './jobs/billing-jobs.ts';
import { createJobQueue, JOB_QUEUE_SCHEMA, type JobQueue } from './jobs/job-queue.ts';
import { BillingMetrics } from './http/billing-metrics.ts';
import { metricsRoute } from './http/metrics-route.ts';
import { ProviderEventInbox } from './webhooks/provider-event-inbox.ts';
import { registerProviderEventHandlers } from './webhooks/provider-event-handlers.ts';
import { ProviderEventProcessor, resendStalledEvents } from './webhooks/provider-event-processor.ts';
import { ProviderEventReplay } from './webhooks/provider-event-replay.ts';
import { stripeWebhookRoute } from './http/stripe-webhook-route.ts';
import type { ProviderCallObserver } from './payments/stripe/stripe-call.ts';
import { StripePaymentProvider } from './payments/stripe/stripe-payment-provider.ts';
import type { RunningStripeEmulator, StripeEmulatorOptions } from '@billing-subgraph/stripe-emulator';
import { acquireEmbeddedEmulatorLock } from './db/embedded-emulator-lock.ts';

export class StartupError extends Error {
  override name = 'StartupError';
}

export interface BillingApp {
  /** The request listener for Node's http server: GraphQL, webhooks, health, invoice PDFs. */
  http: RequestListener;
  apollo: ApolloServer<GraphQLContext>;
  database: Database;
  domain: BillingDomain;
  /** Where payments go, for the start-up log. */
  paymentsDescription: string;
  /** The in-process Stripe emulator when no Stripe key is configured; tests drive its clock through it. */
  stripeEmulator: RunningStripeEmulator | null;
  /** Call once the HTTP server listens: the emulator then delivers its webhooks to `baseUrl`. */
  listening(baseUrl: string): void;
  close(): Promise<void>;
}

export interface AppOptions {
  logger?: Logger;
  /** An already open database (tests); otherwise opened from the config and closed with the app. */
  database?: Database;
  /** Options for the in-process emulator (tests: chaos, dunning, webhook retries); ignored with a Stripe key. */
  stripeEmulator?: Omit<StripeEmulatorOptions, 'port'>;
  /** An emulator already running, shared by several app instances (tests of replicas); not closed by the app. */
  sharedStripeEmulator?: RunningStripeEmulator;
  /** Tests: a VAT number registry and a VAT rate table in place of the configured ones. */
  vat?: BillingSettings['vat'];
  /**
   * The time of every business rule (grace periods, invoice dates, VAT days, rate-limit windows); the system
   * clock by default. Caches' lifetimes, token expiry and the job queue keep real time.
   */
  clock?: Clock;
  /**
   * Tests: false registers the scheduled jobs' workers without their cron ticks, so that a job runs only when a
   * test sends it; a tick in the middle of a test would add its SQL and its changes to what the test observes.
   */
  cronSchedules?: boolean;
}

interface Payments {
  provider: StripePaymentProvider;
  description: string;
  emulator: RunningStripeEmulator | null;
  webhookSecret: string;
  close(): Promise<void>;
}

export async function createApp(config: Config, options: AppOptions = {}): Promise<BillingApp> {
  const logger = options.logger ?? pino({ level: config.logLevel });
  const database = options.database ?? (await openConfiguredDatabase(config, logger));
  const clock = options.clock ?? systemClock;
  let payments: Payments | null = null;
  let queue: JobQueue | null = null;
  let metrics: BillingMetrics | null = null;
  const observeProviderCall: ProviderCallObserver = (...call) => metrics?.observeProviderCall(...call);
  try {
    await prepareSchema(config, database, logger);
    payments = await openPayments(config, logger, observeProviderCall, options);
    const domain = createBillingServices(
      database,
      payments.provider,
      {
        customerCache: { maxEntries: config.caches.customerEntries, ttlMs: config.caches.customerTtlMs },
        customerProjectionEntries: config.caches.customerProjectionEntries,
        planCatalogTtlMs: config.caches.planCatalogTtlMs,
        gracePeriodDays: config.gracePeriodDays,
        invoicing: config.invoicing,
        ...(options.vat ? { vat: options.vat } : {}),
        clock,
      },
      logger,
    );
    const seeded = await domain.services.plans.seedCatalog(config.catalog);
    if (seeded > 0) logger.info({ plans: seeded }, 'seeded the plan catalog');
    await keepCachesInStep(database.notifications, {
      customers: domain.customerCache,
      projection: domain.customerProjection,
      plans: domain.services.plans,
    });

    queue = createJobQueue(database, { pollingIntervalSeconds: config.jobs.pollingIntervalSeconds, logger });
    await queue.start();
    const inbox = new ProviderEventInbox(database.prisma);
    const processor = new ProviderEventProcessor(inbox, logger);
    registerProviderEventHandlers(processor, domain.sync);
    await processor.work(queue);
    await registerBillingJobs(
      queue,
      {
        customers: domain.customers,
        resendStalledEvents: (receivedBefore) => resendStalledEvents(queue!, inbox, receivedBefore),
        reconciliation: domain.services.reconciliation,
        paymentState: domain.paymentState,
        logger,
      },
      options.cronSchedules === false ? null : config.jobs,
    );
    const webhooks = stripeWebhookRoute({
      provider: payments.provider,
      inbox,
      queue,
      bodyLimitBytes: config.webhookBodyLimitBytes,
      logger,
    });

    metrics = new BillingMetrics({ database, projection: domain.customerProjection, jobSchema: JOB_QUEUE_SCHEMA });
    const production = config.env === 'production';
    const apollo = createApolloServer({
      logger,
      production,
      // In production the SDL is the router's only: behind GATEWAY_SECRET, or with a token.
      anonymousSdl: !production || config.gatewaySecret !== null,
      limits: config.graphql,
      metrics,
      rateLimiter: new ProviderRateLimiter(new RateLimitCounters(database.prisma), config.providerRateLimit, () =>
        clock.now().getTime(),
      ),
    });
    await apollo.start();
    const context = createContextFactory({
      verifyToken: createTokenVerifier(config.auth),
      sources: domain.loaderSources,
      services: { ...domain.services, providerEvents: new ProviderEventReplay(inbox, processor) },
      logger,
    });
    const pdfs = invoicePdfRoute(domain.invoiceDocuments, domain.services.invoiceLinks);
    const playground = config.adminPlayground ? createPlaygroundRoute() : null;
    if (config.adminPlayground && !playground)
      logger.warn('the admin playground is not built (dist/playground): run `npm run build:playground`');
    const http = createHttpApp({
      apollo,
      context,
      database,
      logger,
      bodyLimitBytes: config.http.bodyLimitBytes,
      gatewaySecret: config.gatewaySecret,
      routes: [webhooks, pdfs, metricsRoute(metrics.registry)],
      playground,
    });
    // Not awaited: until the projection is complete the hot path reads the database, so the service is
    // ready at once however many customers there are.
    void domain.customerProjection.start();
    const { emulator, webhookSecret } = payments;
    const opened = payments;
    const jobs = queue;
    return {
      http,
      apollo,
      database,
      domain,
      paymentsDescription: payments.description,
      stripeEmulator: emulator,
      listening: (baseUrl) =>
        emulator?.addWebhookEndpoint({ url: `${baseUrl}/webhooks/stripe`, secret: webhookSecret }),
      close: async () => {
        await apollo.stop();
        await domain.customerProjection.stop();
        await jobs.stop();
        await opened.close();
        if (!options.database) await database.close();
      },
    };
  } catch (error) {
    await queue?.stop();
    await payments?.close();
    if (!options.database) await database.close();
    throw error;
  }
}

async function openConfiguredDatabase(config: Config, logger: Logger): Promise<Database> {
  const options = {
    onConnectionLost: (error: Error) =>
      logger.warn({ err: error }, 'the database ended an idle connection; the pool opens another when needed'),
  };
  const { database: target } = config;
  if (target.kind !== 'pglite' || !target.dataDir) return openDatabase(target, options);
  mkdirSync(target.dataDir, { recursive: true });
  const lock = lockEmbeddedDatabase(target.dataDir);
  if ('heldBy' in lock) {
    throw new StartupError(
      `the embedded database ${target.dataDir} is in use by another process (pid ${lock.heldBy}): stop it first, or give this one its own PGLITE_DATA_DIR (several instances share a database on PostgreSQL: DATABASE_URL)`,
    );
  }
  try {
    const database = await openDatabase(target);
    return {
      ...database,
      close: async () => {
        await database.close();
        lock.release();
      },
    };
  } catch (error) {
    lock.release();
    throw error;
  }
}

/** The embedded database migrates itself; a PostgreSQL server is migrated deliberately, by `npm run db:migrate`. */
async function prepareSchema(config: Config, database: Database, logger: Logger): Promise<void> {
  if (config.database.kind === 'pglite') {
    const applied = await applyMigrations(database);
    if (applied.length > 0) logger.info({ migrations: applied }, 'migrated the embedded database');
    return;
  }
  const pending = await pendingMigrations(database);
  if (pending.length > 0) {
    throw new StartupError(
      `the database is not migrated: ${pending.length} migration(s) pending (${pending.join(', ')}). Run \`npm run db:migrate\` first.`,
    );
  }
}

/**
 * Stripe when a key is configured; a shared standalone emulator when its URL is; otherwise the local emulator,
 * in-process (imported only then), reached through the same adapter. When the app opened the database from
 * its configuration (a process, not a test handing one in), the one-embedded-emulator-per-PostgreSQL rule applies.
 */
async function openPayments(
  config: Config,
  logger: Logger,
  onCall: ProviderCallObserver,
  options: AppOptions,
): Promise<Payments> {
  const { stripeEmulator: emulatorOptions = {}, sharedStripeEmulator } = options;
  const payments = config.payments;
  if (payments.mode === 'stripe') {
    const { secretKey, webhookSecret } = payments;
    return {
      provider: new StripePaymentProvider({ secretKey, webhookSecret, logger, onCall }),
      description: `Stripe (${secretKey.includes('_live_') ? 'live' : 'test'} mode)`,
      emulator: null,
      webhookSecret,
      close: async () => undefined,
    };
  }
  // A test's second replica: the first app's emulator, closed by that app.
  if (sharedStripeEmulator) return emulatedPayments(sharedStripeEmulator, logger, onCall, async () => undefined);
  if (payments.mode === 'standalone-emulator') {
    const url = new URL(payments.url);
    return {
      provider: new StripePaymentProvider({
        secretKey: 'sk_test_emulator',
        webhookSecret: payments.webhookSecret,
        host: url.hostname,
        port: Number(url.port),
        protocol: 'http',
        logger,
        onCall,
      }),
      description: `emulated (shared standalone Stripe emulator at ${payments.url})`,
      emulator: null,
      webhookSecret: payments.webhookSecret,
      close: async () => undefined,
    };
  }
  const lock =
    !options.database && config.database.kind === 'postgres'
      ? await acquireEmbeddedEmulatorLock(config.database.url, (error) =>
          logger.error(
            { err: error },
            'lost the embedded Stripe emulator lock: another replica could now start its own emulator',
          ),
        )
      : undefined;
  if (lock === null) {
    throw new StartupError(
      'another instance already runs its own embedded Stripe emulator on this database; replicas in emulator mode must share one: start `npm run stripe-emulator` (with EMULATOR_WEBHOOK_URL and EMULATOR_WEBHOOK_SECRET) and set STRIPE_EMULATOR_URL and STRIPE_WEBHOOK_SECRET on every replica',
    );
  }
  try {
    const { startStripeEmulator } = await import('@billing-subgraph/stripe-emulator');
    const emulator = await startStripeEmulator({
      ...emulatorOptions,
      port: payments.port,
      ...(payments.stateFile ? { stateFile: payments.stateFile } : {}),
    });
    return emulatedPayments(
      emulator,
      logger,
      onCall,
      async () => {
        await emulator.close();
        await lock?.release();
      },
      payments.stateFile,
    );
  } catch (error) {
    await lock?.release();
    throw error;
  }
}

function emulatedPayments(
  emulator: RunningStripeEmulator,
  logger: Logger,
  onCall: ProviderCallObserver,
  close: () => Promise<void>,
  stateFile: string | null = null,
): Payments {
  const webhookSecret = `whsec_${randomBytes(24).toString('hex')}`;
  return {
    provider: new StripePaymentProvider({
      secretKey: emulator.apiKey,
      webhookSecret,
      host: emulator.host,
      port: emulator.port,
      protocol: 'http',
      logger,
      onCall,
    }),
    description: `emulated (local Stripe emulator at ${emulator.url}${stateFile ? `, state in ${stateFile}` : ''})`,
    emulator,
    webhookSecret,
    close,
  };
}
