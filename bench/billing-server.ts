// Benchmark child process: the real billing app on PostgreSQL (BENCH_DATABASE_URL), with seeded
// customers and a counter of SQL statements at /__bench/sql. Prints {"port": N} when listening.
import type { AddressInfo } from 'node:net';
import express from 'express';
import pino from 'pino';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { applyMigrations } from '../src/db/migration-runner.ts';

export const BENCH_USERS = 1000;

async function main(): Promise<void> {
  const url = process.env.BENCH_DATABASE_URL;
  if (!url) throw new Error('BENCH_DATABASE_URL is required');
  let statements = 0;
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: url });
  const database = await openDatabase({ kind: 'postgres', url, poolSize: 10 }, { onQuery: () => statements++ });
  await applyMigrations(database);
  const app = await createApp(config, { database, logger: pino({ level: 'silent' }) });
  // Every other user has a paid profile, one in four of those an unpaid invoice; the rest read as free.
  await database.prisma.customer.createMany({
    data: Array.from({ length: BENCH_USERS / 2 }, (_, i) => ({
      userId: `user-${i * 2}`,
      planId: 'pro',
      driveStorageBytes: 400_000_000_000n,
      parallelDownloads: 16,
      hasUnpaidInvoice: i % 4 === 0,
    })),
    skipDuplicates: true,
  });
  await database.prisma.$executeRawUnsafe('ANALYZE');

  const outer = express();
  outer.get('/__bench/sql', (_req, res) => {
    res.json({ statements });
  });
  outer.use(app.http);
  const server = outer.listen(0, '127.0.0.1', () => {
    console.log(JSON.stringify({ port: (server.address() as AddressInfo).port }));
  });
  process.on('SIGTERM', () => {
    server.close();
    app.close().then(() => database.close()).finally(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
