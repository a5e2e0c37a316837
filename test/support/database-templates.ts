// Every test database starts migrated. Migrating is quick; starting an empty PGlite is not: it runs initdb,
// about 2 s of CPU for each of the hundred databases a run opens. So the migrated database is made once
// and copied: for PGlite, a dump loaded by each new in-memory database; for PostgreSQL, a template database
// copied by CREATE DATABASE … TEMPLATE. Both are named by a hash of the migrations and of PGlite's version,
// so a new migration makes new ones, and a template is renamed into place only once it is complete.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Client } from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { openDatabase } from '../../src/db/database';
import { applyMigrations, migrationNames, prismaDir } from '../../src/db/migration-runner';

const key = (() => {
  const hash = createHash('sha256');
  const pglite = path.join(prismaDir, '..', 'node_modules', '@electric-sql', 'pglite', 'package.json');
  hash.update(readFileSync(pglite));
  for (const name of migrationNames())
    hash.update(name).update(readFileSync(path.join(prismaDir, 'migrations', name, 'migration.sql')));
  return hash.digest('hex').slice(0, 16);
})();

let pgliteDump: Promise<Blob> | undefined;

/** The dump every in-memory test database starts from; made by the first test file that needs it. */
export function migratedPgliteDump(): Promise<Blob> {
  pgliteDump ??= readOrMakeDump();
  return pgliteDump;
}

async function readOrMakeDump(): Promise<Blob> {
  const file = path.join(os.tmpdir(), `billing-test-pglite-${key}.tar`);
  if (!existsSync(file)) {
    const pglite = new PGlite();
    try {
      await applyMigrations({ adapterFactory: new PrismaPGlite(pglite) });
      const dump = await pglite.dumpDataDir('none');
      // Another test worker may be making the same file: each writes its own, and the rename is atomic.
      const partial = `${file}.${randomBytes(6).toString('hex')}`;
      await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
      await rename(partial, file);
    } finally {
      await pglite.close();
    }
  }
  return new Blob([await readFile(file)]);
}

/**
 * The name of the migrated template database, made on first use under an advisory lock, so that test
 * workers starting together make it once.
 */
export async function migratedPostgresTemplate(admin: Client, urlOf: (database: string) => string): Promise<string> {
  const name = `billing_template_${key}`;
  await admin.query('SELECT pg_advisory_lock(hashtext($1))', [name]);
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return name;
    const building = `${name}_${randomBytes(4).toString('hex')}`;
    await admin.query(`CREATE DATABASE ${building}`);
    try {
      const database = await openDatabase({ kind: 'postgres', url: urlOf(building), poolSize: 1 });
      try {
        await applyMigrations(database);
      } finally {
        await database.close();
      }
    } catch (error) {
      await admin.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
      throw error;
    }
    await admin.query(`ALTER DATABASE ${building} RENAME TO ${name}`);
    return name;
  } finally {
    await admin.query('SELECT pg_advisory_unlock(hashtext($1))', [name]);
  }
}
