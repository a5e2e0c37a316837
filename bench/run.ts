// `npm run bench [-- suite ...]`: seeds a throw-away PostgreSQL database, starts the servers once (each in
// its own process, on loopback, NODE_ENV=production), and runs the suites asked for (all by default):
// entities, gateway, webhooks, invoices. Each prints its own table. See bench/README.md for the settings.
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { Client } from 'pg';
import { signDevToken } from '../src/auth/dev-token.ts';
import { DEFAULT_PLAN_CATALOG } from '../src/billing/plans/plan-catalog.ts';
import { PlanRepository } from '../src/billing/plans/plan-repository.ts';
import { DEV_AUTH_SECRET } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { applyMigrations } from '../src/db/migration-runner.ts';
import { benchState, mb, type BenchContext } from './context.ts';
import { entitiesSuite } from './entities.ts';
import { gatewaySuite } from './gateway.ts';
import { invoicesSuite } from './invoices.ts';
import { densePopulation, seedCustomers, sparsePopulation, type Population } from './population.ts';
import { buildServers, sampleRss, startServer, stopServer, watchRss, type BenchServer } from './servers.ts';
import { webhooksSuite } from './webhooks.ts';

const SUITES: Record<string, (context: BenchContext) => Promise<void>> = {
  entities: entitiesSuite,
  gateway: gatewaySuite,
  webhooks: webhooksSuite,
  invoices: invoicesSuite,
};
const ADMIN_URL = process.env.BENCH_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const PROJECTION_WAIT_MS = 120_000;

async function createSeededDatabase(
  admin: Client,
  populations: [Population, Population],
): Promise<{ name: string; url: string; customers: number; seedMs: number }> {
  const name = `billing_bench_${Date.now()}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const started = performance.now();
  const database = await openDatabase({ kind: 'postgres', url: url.toString(), poolSize: 2 });
  try {
    await applyMigrations(database);
    await new PlanRepository(database.prisma).insertMissing(DEFAULT_PLAN_CATALOG);
  } finally {
    await database.close();
  }
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const customers = await seedCustomers(client, ...populations);
    return { name, url: url.toString(), customers, seedMs: performance.now() - started };
  } finally {
    await client.end();
  }
}

async function waitForProjection(billing: BenchServer): Promise<number> {
  const started = performance.now();
  for (;;) {
    const state = await benchState(billing);
    if (!state.projection || state.projection.complete) return performance.now() - started;
    if (performance.now() - started > PROJECTION_WAIT_MS)
      throw new Error('the customer projection did not load in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const load1 = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');

async function main(): Promise<void> {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((name) => !(name in SUITES));
  if (unknown.length > 0)
    throw new Error(`unknown suite(s) ${unknown.join(', ')}; known: ${Object.keys(SUITES).join(', ')}`);
  const suites = asked.length > 0 ? asked : Object.keys(SUITES);
  const settings = {
    seconds: Number(process.env.BENCH_SECONDS ?? 5),
    warmupSeconds: Number(process.env.BENCH_WARMUP_SECONDS ?? 1),
    rounds: Number(process.env.BENCH_ROUNDS ?? 2),
    connections: Number(process.env.BENCH_CONNECTIONS ?? 32),
  };
  const populations: [Population, Population] = [
    sparsePopulation(Number(process.env.BENCH_SPARSE_USERS ?? 100_000)),
    densePopulation(Number(process.env.BENCH_DENSE_USERS ?? 1_000_000)),
  ];
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  const postgresVersion = String((await admin.query('SHOW server_version')).rows[0].server_version);
  const buildingServers = buildServers([
    'standalone-floor-server.ts',
    'floor-server.ts',
    'billing-server.ts',
    'users-subgraph-server.ts',
    'gateway-server.ts',
  ]);
  const db = await createSeededDatabase(admin, populations);
  await buildingServers;
  const servers: BenchServer[] = [];
  try {
    const production = { NODE_ENV: 'production' };
    const standalone = await startServer('standalone floor', 'standalone-floor-server.ts', production);
    servers.push(standalone);
    const express = await startServer('Express floor', 'floor-server.ts', production);
    servers.push(express);
    // Production reaches Stripe over the network: the billing process holds no emulator.
    const emulator = await startServer('Stripe emulator', 'stripe-emulator-server.ts', {}, { built: false });
    servers.push(emulator);
    const webhookSecret = `whsec_${randomBytes(24).toString('hex')}`;
    const billing = await startServer('billing', 'billing-server.ts', {
      ...production,
      BENCH_DATABASE_URL: db.url,
      BENCH_STRIPE_EMULATOR_URL: emulator.url,
      BENCH_WEBHOOK_SECRET: webhookSecret,
    });
    servers.push(billing);
    const stopWatching = watchRss(billing);
    const projectionMs = await waitForProjection(billing);
    const loadedRss = sampleRss(billing);
    const { memory } = await benchState(billing);
    const token = await signDevToken(DEV_AUTH_SECRET, { sub: 'gateway', roles: ['service'] });

    console.log(
      `${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}, PostgreSQL ${postgresVersion}; ` +
        `c=${settings.connections}, ${settings.rounds} interleaved round(s) of ${settings.seconds} s per server after ${settings.warmupSeconds} s of warm-up; load average before: ${load1()}`,
    );
    console.log(
      `seeded ${db.customers.toLocaleString('en')} customers in ${(db.seedMs / 1000).toFixed(1)} s; billing (built JavaScript, Stripe emulator in its own process) listening ` +
        `${billing.started.readyMs} ms after its start, customer projection complete ${projectionMs.toFixed(0)} ms after that; ` +
        `billing RSS then ${mb(loadedRss)} MB (peak so far ${mb(billing.maxRss)} MB; JS heap ${mb(memory.heapUsed)} of ${mb(memory.heapTotal)} MB, outside it ${mb(memory.external)} MB)`,
    );
    const context: BenchContext = {
      settings,
      populations,
      databaseUrl: db.url,
      token,
      webhookSecret,
      standalone,
      express,
      billing,
    };
    for (const suite of suites) await SUITES[suite]!(context);
    stopWatching();
    console.log(
      `\nmax RSS: ${[standalone, express, billing].map((server) => `${server.name} ${mb(server.maxRss)} MB`).join(', ')}; load average after: ${load1()}`,
    );
  } finally {
    for (const server of servers.reverse()) await stopServer(server);
    await admin.query(`DROP DATABASE IF EXISTS ${db.name} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
