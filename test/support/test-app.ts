// Runs the real app (createApp) on a loopback port against a test database, and talks to it over
// HTTP with real signed tokens, as the gateway does.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import pino from 'pino';
import { createApp, type AppOptions, type BillingApp } from '../../src/app';
import { signDevToken, type DevTokenClaims } from '../../src/auth/dev-token';
import { DEV_AUTH_SECRET, loadConfig, type Config } from '../../src/config';
import { openDatabase } from '../../src/db/database';
import { TestClock } from './test-clock';
import { openTestDatabase, type DatabaseKind, type TestDatabase } from './test-database';

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export interface TestApp {
  url: string;
  app: BillingApp;
  db: TestDatabase;
  config: Config;
  /** The app's clock: a test moves it to make time pass for the billing rules (grace periods, invoice dates). */
  clock: TestClock;
  /** SQL statements sent since the last `resetQueries()`. */
  queries: string[];
  resetQueries(): void;
  /** While on, `POST /webhooks/stripe` answers 503 before the app sees it: a network or ingress outage. */
  refuseWebhooks(on: boolean): void;
  token(claims: DevTokenClaims): Promise<string>;
  graphql<T = Record<string, unknown>>(
    query: string,
    options?: { token?: string; variables?: Record<string, unknown> },
  ): Promise<GraphQLResponse<T>>;
  close(): Promise<void>;
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  // Lifecycle suites drive one viewer through many payment steps: the provider rate limit has its own tests.
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    JOB_POLLING_INTERVAL_SECONDS: '0.5',
    PROVIDER_RATE_LIMIT: '10000',
    ...overrides,
  });
}

export interface TestAppOptions {
  /** Passed to the app's in-process Stripe emulator (chaos, dunning, webhook retries). */
  stripeEmulator?: AppOptions['stripeEmulator'];
  /**
   * Starts another replica of that app: its own pool on the same PostgreSQL database, the same emulator
   * (delivering webhooks to both). Closing it leaves the database and the emulator to the first.
   */
  replicaOf?: TestApp;
  /** A VAT number registry and a VAT rate table in place of the configured ones. */
  vat?: AppOptions['vat'];
  /** An emulator the test started (reached through a proxy, say) in place of the app's own; the test closes it. */
  sharedStripeEmulator?: AppOptions['sharedStripeEmulator'];
}

export async function startTestApp(
  kind: DatabaseKind,
  overrides: Record<string, string> = {},
  options: TestAppOptions = {},
): Promise<TestApp> {
  const queries: string[] = [];
  const onQuery = (sql: string) => queries.push(sql);
  const { replicaOf } = options;
  if (replicaOf && !replicaOf.db.url) throw new Error('replicas share a PostgreSQL database');
  const db: TestDatabase = replicaOf
    ? {
        ...(await openDatabase({ kind: 'postgres', url: replicaOf.db.url!, poolSize: 4 }, { onQuery })),
        kind: 'postgres',
        url: replicaOf.db.url,
      }
    : await openTestDatabase(kind, { onQuery });
  // A replica is configured on the PostgreSQL URL, as in production: it checks the schema, never migrates.
  const config = testConfig(replicaOf ? { DATABASE_URL: replicaOf.db.url!, ...overrides } : overrides);
  // Replicas of one deployment read one time.
  const clock = replicaOf?.clock ?? new TestClock();
  const app = await createApp(config, {
    clock,
    database: db,
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    stripeEmulator: options.stripeEmulator,
    sharedStripeEmulator: replicaOf?.app.stripeEmulator ?? options.sharedStripeEmulator,
    ...(options.vat ? { vat: options.vat } : {}),
    cronSchedules: false,
  });
  const settle = await notificationBarrier(db);
  let refusingWebhooks = false;
  const server = createServer((req, res) => {
    if (refusingWebhooks && req.url?.startsWith('/webhooks/stripe')) {
      res.writeHead(503).end();
      return;
    }
    void app.http(req, res);
  }).listen(0, '127.0.0.1');
  // The test's fetch reuses connections. With Node's 5 s default, an event loop stalled that long (PGlite and the
  // app share the test's process) let the server close a connection the next request was already sent on
  // ("other side closed", seen in CI); kept open longer than any test, the client always closes first.
  server.keepAliveTimeout = 120_000;
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  app.listening(url);
  return {
    url,
    app,
    db: settle.tracked,
    config,
    clock,
    queries,
    resetQueries: () => queries.splice(0),
    refuseWebhooks: (on) => {
      refusingWebhooks = on;
    },
    token: (claims) => signDevToken(DEV_AUTH_SECRET, claims),
    graphql: async (query, { token, variables } = {}) => {
      await settle.beforeRequest();
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, ...((await response.json()) as object) };
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await app.close();
      await settle.close();
      await db.close();
    },
  };
}

const BARRIER_CHANNEL = 'test_notification_barrier';
const BARRIER_TIMEOUT_MS = 5000;

/**
 * A test's own writes through `t.db.prisma` stand for another replica's: the app hears of them by a database
 * notification after their commit, so a request sent at once would race that notification (CI saw it lose).
 * Before a request that follows such a use, the barrier sends a marker of its own and waits until the app's
 * listener hears it: PostgreSQL delivers notifications in commit order, so the app has heard every earlier
 * change by then. The app's own writes are never waited for: its caches must be right after them unaided.
 * PGlite delivers a notification before its write's promise resolves, so there is nothing to wait for.
 */
async function notificationBarrier(db: TestDatabase) {
  if (db.kind !== 'postgres') return { tracked: db, beforeRequest: async () => {}, close: async () => {} };
  const heard = new Map<string, () => void>();
  await db.notifications.listen(BARRIER_CHANNEL, {
    onNotification: (marker) => heard.get(marker)?.(),
    onGap: () => {},
  });
  let sender: Client | null = null;
  let used = false;
  const prisma = db.prisma.$extends({
    query: {
      $allOperations: ({ args, query }) => {
        used = true;
        return query(args);
      },
    },
  }) as unknown as typeof db.prisma;
  return {
    tracked: { ...db, prisma },
    beforeRequest: async () => {
      if (!used) return;
      used = false;
      const marker = randomUUID();
      let timer: NodeJS.Timeout | undefined;
      const arrived = new Promise<void>((resolve) => {
        heard.set(marker, resolve);
        // A database the test took down hears nothing: the request then shows what the app makes of that.
        timer = setTimeout(resolve, BARRIER_TIMEOUT_MS);
      });
      try {
        if (!sender) {
          const fresh = new Client({ connectionString: db.url });
          fresh.on('error', () => {
            if (sender === fresh) sender = null;
          });
          await fresh.connect();
          sender = fresh;
        }
        await sender.query('SELECT pg_notify($1, $2)', [BARRIER_CHANNEL, marker]);
        await arrived;
      } catch {
        sender = null;
      } finally {
        clearTimeout(timer);
        heard.delete(marker);
      }
    },
    close: async () => {
      await sender?.end().catch(() => {});
    },
  };
}
