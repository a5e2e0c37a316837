import { mkdtempSync, rmSync } from 'node:fs';
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
    } finally {
      await second.close();
    }
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
