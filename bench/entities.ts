// `npm run bench`: the hot path, `_entities` for User (`unpaidInvoice billing { plan { name } }`) with 1 and
// 100 representations drawn at random from two populations, on the billing subgraph backed by PostgreSQL
// and on two floors (Apollo's standalone server and Express, both answering constants), interleaved in
// one run. Prints the README's table. Loopback only; every load phase is bounded in time.
//
// Environment (defaults in brackets): BENCH_ADMIN_URL [postgresql://postgres@127.0.0.1:5432/postgres]
// creates and drops a throw-away database; BENCH_SECONDS [5] per measured phase after BENCH_WARMUP_SECONDS
// [1]; BENCH_ROUNDS [2] interleaved rounds; BENCH_CONNECTIONS [32]; BENCH_SPARSE_USERS [100000] and
// BENCH_DENSE_USERS [1000000], the two populations' sizes.
import { cpus, loadavg } from 'node:os';
import { Client } from 'pg';
import { signDevToken } from '../src/auth/dev-token.ts';
import { DEFAULT_PLAN_CATALOG } from '../src/billing/plans/plan-catalog.ts';
import { PlanRepository } from '../src/billing/plans/plan-repository.ts';
import { DEV_AUTH_SECRET } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { applyMigrations } from '../src/db/migration-runner.ts';
import { entitiesBody, load, randomIndexes, type LoadResult } from './load.ts';
import { densePopulation, seedCustomers, sparsePopulation, type Population } from './population.ts';
import { sampleRss, startServer, stopServer, type BenchServer } from './servers.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 1);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const ADMIN_URL = process.env.BENCH_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const SPARSE = sparsePopulation(Number(process.env.BENCH_SPARSE_USERS ?? 100_000));
const DENSE = densePopulation(Number(process.env.BENCH_DENSE_USERS ?? 1_000_000));
const PROJECTION_WAIT_MS = 120_000;

interface Phase extends LoadResult {
  sqlPerRequest: number | null;
}

interface BenchState {
  statements: number;
  projection: { complete: boolean } | null;
}

async function benchState(server: BenchServer): Promise<BenchState | null> {
  if (server.name !== 'billing') return null;
  return (await fetch(`${server.url}/__bench/state`)).json() as Promise<BenchState>;
}

async function post(server: BenchServer, token: string, body: string): Promise<{ data?: { _entities: { unpaidInvoice: boolean; billing: { plan: { name: string } } }[] }; errors?: unknown }> {
  const response = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body });
  return response.json() as never;
}

/** Every server must answer 100 random users; the billing subgraph must answer each one's seeded truth. */
async function check(server: BenchServer, token: string, population: Population): Promise<void> {
  const indexes = [0, ...randomIndexes(population, 99)];
  const answer = await post(server, token, entitiesBody(population, indexes));
  const entities = answer.data?._entities;
  if (answer.errors || entities?.length !== indexes.length) throw new Error(`${server.name} answered wrongly: ${JSON.stringify(answer).slice(0, 300)}`);
  if (server.name !== 'billing') return;
  indexes.forEach((i, n) => {
    const expected = population.expected(i);
    const got = entities[n]!;
    if (got.unpaidInvoice !== expected.unpaidInvoice || got.billing.plan.name !== expected.plan) {
      throw new Error(`billing answered ${JSON.stringify(got)} for ${population.prefix}${i}, expected ${JSON.stringify(expected)}`);
    }
  });
}

async function measure(server: BenchServer, token: string, population: Population, reps: number): Promise<Phase> {
  await load(server.url, token, population, reps, WARMUP_SECONDS, CONNECTIONS);
  const before = await benchState(server);
  const result = await load(server.url, token, population, reps, SECONDS, CONNECTIONS);
  const after = await benchState(server);
  sampleRss(server);
  if (result.errors > 0) throw new Error(`${server.name}: ${result.errors} failed requests`);
  return { ...result, sqlPerRequest: before && after ? (after.statements - before.statements) / result.requests : null };
}

async function createSeededDatabase(admin: Client): Promise<{ name: string; url: string; customers: number; seedMs: number }> {
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
    const customers = await seedCustomers(client, SPARSE, DENSE);
    return { name, url: url.toString(), customers, seedMs: performance.now() - started };
  } finally {
    await client.end();
  }
}

async function waitForProjection(billing: BenchServer): Promise<number> {
  const started = performance.now();
  for (;;) {
    const state = await benchState(billing);
    if (!state?.projection || state.projection.complete) return performance.now() - started;
    if (performance.now() - started > PROJECTION_WAIT_MS) throw new Error('the customer projection did not load in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
const load1 = () => loadavg().map((value) => value.toFixed(2)).join(' ');

async function main(): Promise<void> {
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  const postgresVersion = String((await admin.query('SHOW server_version')).rows[0].server_version);
  const db = await createSeededDatabase(admin);
  const servers: BenchServer[] = [];
  try {
    const production = { NODE_ENV: 'production' };
    servers.push(await startServer('standalone floor', 'standalone-floor-server.ts', production));
    servers.push(await startServer('Express floor', 'floor-server.ts', production));
    const billing = await startServer('billing', 'billing-server.ts', { ...production, BENCH_DATABASE_URL: db.url });
    servers.push(billing);
    const projectionMs = await waitForProjection(billing);
    const token = await signDevToken(DEV_AUTH_SECRET, { sub: 'gateway', roles: ['service'] });

    const loadBefore = load1();
    console.log(`${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}, PostgreSQL ${postgresVersion}; ` +
      `c=${CONNECTIONS}, ${ROUNDS} interleaved round(s) of ${SECONDS} s per server after ${WARMUP_SECONDS} s of warm-up; load average before: ${loadBefore}`);
    console.log(`seeded ${db.customers.toLocaleString('en')} customers in ${(db.seedMs / 1000).toFixed(1)} s; billing listening ${billing.started.readyMs} ms after its start, ` +
      `customer projection complete ${projectionMs.toFixed(0)} ms after that; billing RSS then ${mb(sampleRss(billing))} MB\n`);
    console.log('| population | reps | server | req/s | p50 ms | p99 ms | SQL/request | × standalone req/s | p99 ÷ standalone p99 | × Express req/s |');
    console.log('|---|---|---|---|---|---|---|---|---|---|');
    for (const population of [SPARSE, DENSE]) {
      for (const reps of [1, 100]) {
        for (const server of servers) await check(server, token, population);
        const phases = new Map<BenchServer, Phase[]>(servers.map((server) => [server, []]));
        for (let round = 0; round < ROUNDS; round++) {
          // Rotating the order spreads any drift of the machine's load over every server.
          for (let k = 0; k < servers.length; k++) {
            const server = servers[(round + k) % servers.length]!;
            phases.get(server)!.push(await measure(server, token, population, reps));
          }
        }
        const summary = new Map([...phases].map(([server, runs]) => [server, summarize(runs)]));
        const [standalone, express] = [summary.get(servers[0]!)!, summary.get(servers[1]!)!];
        for (const server of servers) {
          const m = summary.get(server)!;
          const bold = (text: string) => (server === billing ? `**${text}**` : text);
          console.log(`| ${population.name} | ${reps} | ${server.name} | ${m.reqPerSec.toFixed(0)} | ${m.p50.toFixed(1)} | ${m.p99.toFixed(1)} | ` +
            `${m.sqlPerRequest === null ? '-' : m.sqlPerRequest.toFixed(3)} | ${bold((m.reqPerSec / standalone.reqPerSec).toFixed(2))} | ` +
            `${(m.p99 / standalone.p99).toFixed(2)} | ${(m.reqPerSec / express.reqPerSec).toFixed(2)} |`);
        }
      }
    }
    console.log(`\nmax RSS: ${servers.map((server) => `${server.name} ${mb(server.maxRss)} MB`).join(', ')}; load average after: ${load1()}`);
  } finally {
    for (const server of servers) await stopServer(server);
    await admin.query(`DROP DATABASE IF EXISTS ${db.name} WITH (FORCE)`);
    await admin.end();
  }
}

function summarize(runs: Phase[]): Phase {
  const mean = (pick: (phase: Phase) => number) => runs.reduce((sum, phase) => sum + pick(phase), 0) / runs.length;
  const requests = runs.reduce((sum, phase) => sum + phase.requests, 0);
  const sql = runs.every((phase) => phase.sqlPerRequest !== null) ? mean((phase) => phase.sqlPerRequest!) : null;
  return { requests, reqPerSec: mean((phase) => phase.reqPerSec), p50: mean((phase) => phase.p50), p99: mean((phase) => phase.p99), errors: 0, sqlPerRequest: sql };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
