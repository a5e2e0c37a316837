// A fresh, migrated database per test file, copied from a template (database-templates.ts): in-memory PGlite
// always, and a new PostgreSQL database as well when DATABASE_URL is set (CI sets it). Tests use
// `describe.each(databaseKinds)`.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { openDatabase, type Database, type DatabaseOptions } from '../../src/db/database';
import { migratedPgliteDump, migratedPostgresTemplate } from './database-templates';

export type DatabaseKind = 'pglite' | 'postgres';

export const databaseKinds: DatabaseKind[] = process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

/** Named so that a skipped PostgreSQL run shows in Jest's counts and CI refuses it (.ci/run). */
export const POSTGRES_SKIPPED = 'postgres (DATABASE_URL not set)';

/**
 * `describe.each` over every database kind, PostgreSQL included: without DATABASE_URL its variant is
 * declared skipped under a name saying so, rather than left out. `title` gets the kind through `%s`.
 */
export function describeEachDatabase(title: string, suite: (kind: DatabaseKind) => void): void {
  describe.each(databaseKinds)(title, suite);
  const skipped = title.includes('%s') ? title.replace('%s', POSTGRES_SKIPPED) : `${title} (${POSTGRES_SKIPPED})`;
  if (!process.env.DATABASE_URL) describe.skip(skipped, () => suite('postgres'));
}

/** A suite that needs PostgreSQL itself (several connections, several replicas): skipped, named, without it. */
export function describeOnPostgres(title: string, suite: () => void): void {
  if (process.env.DATABASE_URL) describe(`${title} (postgres)`, suite);
  else describe.skip(`${title} (${POSTGRES_SKIPPED})`, suite);
}

export interface TestDatabase extends Database {
  kind: DatabaseKind;
  /** The connection URL of the fresh PostgreSQL database; undefined for PGlite. */
  url?: string;
}

export async function withAdminClient<T>(run: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

function databaseUrl(name: string): string {
  const url = new URL(process.env.DATABASE_URL ?? '');
  url.pathname = `/${name}`;
  return url.toString();
}

/** A PostgreSQL database, empty or `migrated`, dropped by the returned function. */
export async function createPostgresDatabase({ migrated = false } = {}): Promise<{
  url: string;
  drop: () => Promise<void>;
}> {
  const name = `billing_test_${randomBytes(6).toString('hex')}`;
  await withAdminClient(async (client) => {
    const template = migrated ? ` TEMPLATE ${await migratedPostgresTemplate(client, databaseUrl)}` : '';
    await client.query(`CREATE DATABASE ${name}${template}`);
  });
  return {
    url: databaseUrl(name),
    drop: () =>
      withAdminClient((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

export async function openTestDatabase(kind: DatabaseKind, options: DatabaseOptions = {}): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const initialData = await migratedPgliteDump();
    return { ...(await openDatabase({ kind: 'pglite', dataDir: undefined, initialData }, options)), kind };
  }
  const { url, drop } = await createPostgresDatabase({ migrated: true });
  const database = await openDatabase({ kind: 'postgres', url, poolSize: 4 }, options);
  return {
    ...database,
    kind,
    url,
    close: async () => {
      await database.close();
      await drop();
    },
  };
}
