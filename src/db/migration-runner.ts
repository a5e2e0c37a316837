// Applies prisma/migrations with Prisma's own history table (_prisma_migrations), so the same
// directory stays deployable with `prisma migrate deploy` wherever the native engine exists.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { MigrationList, SchemaFilter } from '@prisma/schema-engine-wasm';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import type { Database } from './database.ts';
import { openSchemaEngine } from './schema-engine.ts';

const NO_FILTERS: SchemaFilter = { externalTables: [], externalEnums: [] };

export const prismaDir = path.join(findProjectRoot(__dirname), 'prisma');
const migrationsDir = path.join(prismaDir, 'migrations');

function findProjectRoot(from: string): string {
  let dir = from;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${from}`);
    dir = parent;
  }
  return dir;
}

export function readSchema(): string {
  return readFileSync(path.join(prismaDir, 'schema.prisma'), 'utf8');
}

export function migrationNames(): string[] {
  return readdirSync(migrationsDir)
    .filter((name) => statSync(path.join(migrationsDir, name)).isDirectory())
    .sort();
}

export function readMigrationList(): MigrationList {
  const lockfile = path.join(migrationsDir, 'migration_lock.toml');
  return {
    baseDir: migrationsDir,
    lockfile: { path: 'migration_lock.toml', content: existsSync(lockfile) ? readFileSync(lockfile, 'utf8') : null },
    migrationDirectories: migrationNames().map((name) => ({
      path: name,
      migrationFile: {
        path: 'migration.sql',
        content: { tag: 'ok', value: readFileSync(path.join(migrationsDir, name, 'migration.sql'), 'utf8') },
      },
    })),
    shadowDbInitScript: '',
  };
}

/** Applies every migration not yet recorded; returns the names it applied. */
export async function applyMigrations(db: Pick<Database, 'adapterFactory'>): Promise<string[]> {
  const engine = await openSchemaEngine(readSchema(), db.adapterFactory);
  try {
    const { appliedMigrationNames } = await engine.applyMigrations({
      migrationsList: readMigrationList(),
      filters: NO_FILTERS,
    });
    return appliedMigrationNames;
  } finally {
    engine.free();
  }
}

/** Migrations on disk that the database has not finished applying. */
export async function pendingMigrations(db: Database): Promise<string[]> {
  const [table] = await db.prisma.$queryRaw<{ exists: boolean }[]>`
    SELECT to_regclass('_prisma_migrations') IS NOT NULL AS "exists"`;
  const applied = table?.exists
    ? await db.prisma.$queryRaw<{ migration_name: string }[]>`
        SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`
    : [];
  const done = new Set(applied.map((row) => row.migration_name));
  return migrationNames().filter((name) => !done.has(name));
}

/**
 * The SQL that would bring a database built from `from` (the migrations, or nothing) to schema.prisma;
 * empty when they agree. Runs on a throw-away in-memory PGlite, so it needs no database of the user's.
 */
export async function schemaDiff(from: 'migrations' | 'empty'): Promise<string> {
  const pglite = new PGlite();
  // The adapter's own shadow database is never closed, and its timers would hold the process open.
  const shadows: PGlite[] = [];
  const adapterFactory = new PrismaPGlite(pglite);
  adapterFactory.connectToShadowDb = () => {
    const shadow = new PGlite();
    shadows.push(shadow);
    return new PrismaPGlite(shadow).connect();
  };
  const schema = readSchema();
  const engine = await openSchemaEngine(schema, adapterFactory);
  try {
    const result = await engine.diff({
      from: from === 'empty' ? { tag: 'empty' } : { tag: 'migrations', ...readMigrationList() },
      to: { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: schema }] },
      script: true,
      exitCode: true,
      filters: NO_FILTERS,
    });
    return result.exitCode === 2 ? (result.stdout ?? '') : '';
  } finally {
    engine.free();
    await Promise.all([pglite, ...shadows].map((db) => db.close()));
  }
}
