// `npm run bench`: the hot path, `_entities` for 1 and 100 User representations
// (`unpaidInvoice billing { plan { name } }`), on the billing subgraph backed by PostgreSQL and on the
// framework's floor, side by side in one run. Loopback only; every load phase is bounded in time.
//
// Environment: BENCH_ADMIN_URL (default postgresql://postgres@127.0.0.1:5432/postgres) creates and drops a
// throw-away database; BENCH_SECONDS (default 8) per measured phase; BENCH_CONNECTIONS (default 10).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { signDevToken } from '../src/auth/dev-token.ts';
import { DEV_AUTH_SECRET } from '../src/config.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const WARMUP_SECONDS = 2;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const ADMIN_URL = process.env.BENCH_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const QUERY = 'query($representations: [_Any!]!) { _entities(representations: $representations) { ... on User { unpaidInvoice billing { plan { name } } } } }';

interface Server {
  name: string;
  url: string;
  process: ChildProcess;
}

interface Measurement {
  requests: number;
  reqPerSec: number;
  p50: number;
  p99: number;
  errors: number;
  sqlPerRequest: number | null;
}

/** Starts a benchmark child and waits for the `{"port": N}` line it prints when listening. */
async function startServer(name: string, script: string, env: Record<string, string> = {}): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, script)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  for await (const line of createInterface({ input: child.stdout! })) {
    const port = /^\{"port":(\d+)\}$/.exec(line)?.[1];
    if (port) return { name, url: `http://127.0.0.1:${port}`, process: child };
  }
  throw new Error(`${name} server exited before listening`);
}

async function sqlStatements(server: Server): Promise<number | null> {
  if (server.name !== 'billing') return null;
  return ((await (await fetch(`${server.url}/__bench/sql`)).json()) as { statements: number }).statements;
}

async function load(server: Server, body: string, token: string, seconds: number): Promise<autocannon.Result> {
  return autocannon({
    url: `${server.url}/graphql`,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body,
    connections: CONNECTIONS,
    duration: seconds,
  });
}

async function measure(server: Server, representations: number, token: string): Promise<Measurement> {
  const body = JSON.stringify({
    query: QUERY,
    variables: { representations: Array.from({ length: representations }, (_, i) => ({ __typename: 'User', id: `user-${i}` })) },
  });
  const check = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body });
  const checked = (await check.json()) as { data?: { _entities: unknown[] }; errors?: unknown };
  if (checked.errors || checked.data?._entities.length !== representations) throw new Error(`${server.name} answered wrongly: ${JSON.stringify(checked).slice(0, 300)}`);

  await load(server, body, token, WARMUP_SECONDS);
  const before = await sqlStatements(server);
  const result = await load(server, body, token, SECONDS);
  const after = await sqlStatements(server);
  const requests = result.requests.total;
  return {
    requests,
    reqPerSec: requests / SECONDS,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
    sqlPerRequest: before === null || after === null ? null : (after - before) / requests,
  };
}

async function main(): Promise<void> {
  const dbName = `billing_bench_${Date.now()}`;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const dbUrl = new URL(ADMIN_URL);
  dbUrl.pathname = `/${dbName}`;
  const servers: Server[] = [];
  try {
    servers.push(await startServer('floor', 'floor-server.ts'));
    servers.push(await startServer('billing', 'billing-server.ts', { BENCH_DATABASE_URL: dbUrl.toString() }));
    const token = await signDevToken(DEV_AUTH_SECRET, { sub: 'gateway', roles: ['service'] });
    console.log(`node ${process.version}, ${CONNECTIONS} connections, ${SECONDS}s per phase after ${WARMUP_SECONDS}s warm-up\n`);
    console.log('| representations | server | req/s | p50 ms | p99 ms | SQL round trips/request | ratio to floor |');
    console.log('|---|---|---|---|---|---|---|');
    for (const representations of [1, 100]) {
      const [floor, billing] = [await measure(servers[0]!, representations, token), await measure(servers[1]!, representations, token)];
      for (const [name, m] of [['floor', floor], ['billing (PostgreSQL)', billing]] as const) {
        if (m.errors > 0) throw new Error(`${name}: ${m.errors} failed requests`);
        console.log(`| ${representations} | ${name} | ${m.reqPerSec.toFixed(0)} | ${m.p50} | ${m.p99} | ${m.sqlPerRequest === null ? '-' : m.sqlPerRequest.toFixed(2)} | ${(m.reqPerSec / floor.reqPerSec).toFixed(2)} |`);
      }
    }
  } finally {
    for (const server of servers) {
      server.process.kill('SIGTERM');
      await once(server.process, 'exit');
    }
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
