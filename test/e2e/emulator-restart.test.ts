import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import Stripe from 'stripe';
import { signDevToken } from '../../src/auth/dev-token';
import { DEV_AUTH_SECRET } from '../../src/config';
import { openDatabase } from '../../src/db/database';
import { applyMigrations } from '../../src/db/migration-runner';
import { createPostgresDatabase, describeOnPostgres } from '../support/test-database';

const root = path.join(__dirname, '..', '..');
/** The service as `npm start` runs it: one node process, so a signal reaches the service's own handlers. */
const SERVICE = ['--import', 'tsx', 'src/main.ts'];

interface Running {
  child: ChildProcess;
  graphql: string;
  stripe: Stripe;
}

/** `npm start` in development on the embedded defaults, or on the PostgreSQL database `databaseUrl`. */
async function start(dataDir: string, databaseUrl = ''): Promise<Running> {
  const child = spawn(process.execPath, SERVICE, {
    cwd: root,
    env: {
      ...process.env,
      PORT: '0',
      PGLITE_DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      STRIPE_SECRET_KEY: '',
      STRIPE_EMULATOR_STATE_FILE: '',
      NODE_ENV: 'development',
      JOB_POLLING_INTERVAL_SECONDS: '0.5',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  for await (const line of createInterface({ input: child.stdout! })) {
    const entry = JSON.parse(line) as { msg: string; url: string; payments: string };
    if (entry.msg !== 'billing subgraph listening') continue;
    const emulatorUrl = new URL(/at (http:\/\/[\d.:]+)/.exec(entry.payments)![1]!);
    const stripe = new Stripe('sk_test_emulator', {
      host: emulatorUrl.hostname,
      port: Number(emulatorUrl.port),
      protocol: 'http',
      maxNetworkRetries: 0,
    });
    child.stdout!.resume();
    return { child, graphql: entry.url, stripe };
  }
  throw new Error('the service did not start');
}

async function stop(running: Running): Promise<void> {
  const exited = new Promise((resolve) => running.child.once('exit', resolve));
  running.child.kill('SIGTERM');
  await exited;
}

async function mutate(running: Running, query: string, variables: Record<string, unknown> = {}): Promise<any> {
  const token = await signDevToken(DEV_AUTH_SECRET, { sub: 'ada' });
  const response = await fetch(running.graphql, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: any; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

async function savePaymentMethod(running: Running, testMethod: string): Promise<any> {
  const { startPaymentMethodSetup: setup } = await mutate(
    running,
    'mutation { startPaymentMethodSetup { setupIntentId } }',
  );
  await running.stripe.setupIntents.confirm(setup.setupIntentId, { payment_method: testMethod });
  const { completePaymentMethodSetup } = await mutate(
    running,
    'mutation($id: ID!) { completePaymentMethodSetup(setupIntentId: $id) { __typename ... on PaymentMethodSaved { paymentMethod { id brand } } } }',
    { id: setup.setupIntentId },
  );
  return completePaymentMethodSetup;
}

/**
 * Saves a card and subscribes, stops the service, starts it again on the same data, and checks that the
 * provider objects the database refers to are still there: a second card, a cancellation, both cards listed.
 */
async function keepsProviderObjectsAcrossRestart(restart: () => Promise<Running>, stateFile: string) {
  const first = await restart();
  let version: number;
  try {
    expect(await savePaymentMethod(first, 'pm_card_visa')).toMatchObject({
      __typename: 'PaymentMethodSaved',
      paymentMethod: { brand: 'visa' },
    });
    const { subscribe } = await mutate(
      first,
      'mutation { subscribe(planId: "pro", interval: MONTH) { __typename ... on Subscribed { subscription { status version } } } }',
    );
    expect(subscribe).toMatchObject({ __typename: 'Subscribed', subscription: { status: 'ACTIVE' } });
    version = subscribe.subscription.version;
  } finally {
    await stop(first);
  }
  expect(existsSync(stateFile)).toBe(true);

  const second = await restart();
  try {
    expect(await savePaymentMethod(second, 'pm_card_mastercard')).toMatchObject({
      __typename: 'PaymentMethodSaved',
      paymentMethod: { brand: 'mastercard' },
    });
    const { cancelSubscription } = await mutate(
      second,
      'mutation($v: Int!) { cancelSubscription(expectedVersion: $v) { __typename } }',
      { v: version },
    );
    expect(cancelSubscription).toEqual({ __typename: 'SubscriptionUpdated' });
    const [subscription] = (await second.stripe.subscriptions.list({ status: 'all' })).data;
    expect(subscription).toMatchObject({ status: 'active', cancel_at_period_end: true });
    expect((await second.stripe.paymentMethods.list()).data.map((method) => method.card?.brand).sort()).toEqual([
      'mastercard',
      'visa',
    ]);
  } finally {
    await stop(second);
  }
}

describe('the embedded Stripe emulator across a restart', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'billing-restart-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps provider customers, methods and subscriptions beside the embedded database', async () => {
    // The default state file sits beside the database directory, so both live under `dir`.
    const dataDir = path.join(dir, 'pglite');
    await keepsProviderObjectsAcrossRestart(() => start(dataDir), `${dataDir}-stripe-emulator.json`);
  }, 120_000);
});

describeOnPostgres('the embedded Stripe emulator across a restart on PostgreSQL', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'billing-restart-pg-'));
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
  beforeAll(async () => {
    database = await createPostgresDatabase();
    // As the README's "On PostgreSQL" says: `npm run db:migrate`, then `npm start`.
    const migrating = await openDatabase({ kind: 'postgres', url: database.url, poolSize: 1 });
    await applyMigrations(migrating);
    await migrating.close();
  });
  afterAll(async () => {
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps them in a state file of that database, in the data directory', async () => {
    const { hostname, port, pathname } = new URL(database.url);
    const stateFile = path.join(dir, `stripe-emulator-${hostname}-${port || '5432'}-${pathname.slice(1)}.json`);
    await keepsProviderObjectsAcrossRestart(() => start(path.join(dir, 'pglite'), database.url), stateFile);
  }, 120_000);
});
