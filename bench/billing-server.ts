// Benchmark child process: the real billing app (createApp) on a seeded PostgreSQL database
// (BENCH_DATABASE_URL), its Stripe the emulator process at BENCH_STRIPE_EMULATOR_URL (webhooks signed with
// BENCH_WEBHOOK_SECRET), counting the SQL statements it sends. Prints {"port": N, "readyMs": T} once
// listening; `GET /__bench/state` reports the statement count, the customer projection's state and memory.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';

async function main(): Promise<void> {
  const started = performance.now();
  const url = process.env.BENCH_DATABASE_URL;
  if (!url) throw new Error('BENCH_DATABASE_URL is required');
  let statements = 0;
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: url,
    STRIPE_EMULATOR_URL: process.env.BENCH_STRIPE_EMULATOR_URL,
    STRIPE_WEBHOOK_SECRET: process.env.BENCH_WEBHOOK_SECRET,
  });
  const database = await openDatabase({ kind: 'postgres', url, poolSize: 10 }, { onQuery: () => statements++ });
  const app = await createApp(config, { database, logger: pino({ level: 'silent' }) });
  const server = createServer((req, res) => {
    if (req.url === '/__bench/state') {
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          statements,
          projection: app.domain.customerProjection.status(),
          memory: process.memoryUsage(),
        }),
      );
      return;
    }
    app.http(req, res);
  });
  server.listen(0, '127.0.0.1', () => {
    const port = (server.address() as AddressInfo).port;
    console.log(JSON.stringify({ port, readyMs: Math.round(performance.now() - started) }));
  });
  process.on('SIGTERM', () => {
    server.close();
    server.closeAllConnections();
    app
      .close()
      .then(() => database.close())
      .finally(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
