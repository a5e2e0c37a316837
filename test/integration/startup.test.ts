import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createApp, StartupError } from '../../src/app';
import { openDatabase } from '../../src/db/database';
import { testConfig } from '../support/test-app';
import { createPostgresDatabase } from '../support/test-database';

const silent = pino({ level: 'silent' });

describe('starting on the embedded database', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'billing-pglite-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('migrates and seeds on first start, and keeps its data across restarts', async () => {
    const config = testConfig({ PGLITE_DATA_DIR: dir });
    const first = await createApp(config, { logger: silent });
    await first.database.prisma.customer.create({
      data: { userId: 'kept', planId: 'free', driveStorageBytes: 1n, parallelDownloads: 1 },
    });
    await first.close();

    const second = await createApp(config, { logger: silent });
    try {
      expect(await second.database.prisma.customer.count({ where: { userId: 'kept' } })).toBe(1);
      expect(await second.database.prisma.plan.count()).toBe(4);
      // The scheduled jobs' cron ticks are registered (the test app leaves them out: runScheduledJob).
      const { rows } = await second.database.executeSql('SELECT name, cron FROM pgboss.schedule ORDER BY name');
      expect(rows).toEqual([
        { name: 'expire-grace-periods', cron: '*/5 * * * *' },
        { name: 'reconcile-customers', cron: '17 * * * *' },
        { name: 'resend-stalled-provider-events', cron: '41 * * * *' },
      ]);
    } finally {
      await second.close();
    }
  });
});

describe('one process at a time on an embedded database directory', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'billing-pglite-lock-'));
  const dataDir = path.join(dir, 'pglite');
  const config = testConfig({ PGLITE_DATA_DIR: dataDir });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a second instance while the first runs, and starts once it stopped', async () => {
    const first = await createApp(config, { logger: silent });
    try {
      await expect(createApp(config, { logger: silent })).rejects.toThrow(
        new StartupError(
          `the embedded database ${dataDir} is in use by another process (pid ${process.pid}): stop it first, or give this one its own PGLITE_DATA_DIR (several instances share a database on PostgreSQL: DATABASE_URL)`,
        ),
      );
    } finally {
      await first.close();
    }
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
    await (await createApp(config, { logger: silent })).close();
  });

  it('refuses while another live process holds the lock, and takes over the lock of a process gone', async () => {
    const other = spawn('sleep', ['60']);
    try {
      writeFileSync(`${dataDir}.lock`, String(other.pid));
      await expect(createApp(config, { logger: silent })).rejects.toThrow(
        `in use by another process (pid ${other.pid})`,
      );
    } finally {
      const exited = new Promise((resolve) => other.once('exit', resolve));
      other.kill();
      await exited;
    }
    // Killed without a chance to remove its lock file, as after a crash: the next start takes it over.
    expect(readFileSync(`${dataDir}.lock`, 'utf8')).toBe(String(other.pid));
    const next = await createApp(config, { logger: silent });
    expect(readFileSync(`${dataDir}.lock`, 'utf8')).toBe(String(process.pid));
    await next.close();
  });
});

const onPostgres = process.env.DATABASE_URL ? describe : describe.skip;

onPostgres('starting on PostgreSQL', () => {
  it('refuses an unmigrated database with a message that says what to run', async () => {
    const { url, drop } = await createPostgresDatabase();
    try {
      const attempt = createApp(testConfig({ DATABASE_URL: url }), { logger: silent });
      await expect(attempt).rejects.toThrow(StartupError);
      await expect(attempt).rejects.toThrow(/not migrated: \d+ migration\(s\) pending .*npm run db:migrate/);
      const db = await openDatabase({ kind: 'postgres', url, poolSize: 1 });
      try {
        const [row] = await db.prisma.$queryRaw<
          { exists: boolean }[]
        >`SELECT to_regclass('customers') IS NOT NULL AS "exists"`;
        expect(row?.exists).toBe(false);
      } finally {
        await db.close();
      }
    } finally {
      await drop();
    }
  });
});
