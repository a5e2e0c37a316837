// Opens Prisma Client on one of the two supported databases through a driver adapter: PostgreSQL
// (node-postgres pool) or the embedded PGlite. No Prisma engine binary is involved.
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { Pool } from 'pg';
import { PrismaClient } from '../generated/prisma/client.ts';
import { postgresLocks, processLocks, type DatabaseLocks } from './database-locks.ts';
import { postgresNotifications, type NotificationListener } from './notifications.ts';

export type DatabaseTarget =
  | { kind: 'postgres'; url: string; poolSize: number }
  /**
   * `dataDir` undefined means in memory; `initialData` is then its starting content, a dump of a database
   * (tests start each of theirs from one migrated dump: PGlite's start-up, not the copy, is what costs).
   */
  | { kind: 'pglite'; dataDir: string | undefined; initialData?: Blob };

export interface Database {
  readonly prisma: PrismaClient;
  readonly adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  readonly notifications: NotificationListener;
  /** Locks that hold across every replica on this database (see database-locks.ts). */
  readonly locks: DatabaseLocks;
  /** Plain SQL outside Prisma, for libraries that bring their own queries (the job queue). */
  executeSql(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  readonly description: string;
  /** SQL statements sent so far, through Prisma and `executeSql`: the metrics' SQL per request. */
  statementCount(): number;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** Called once per SQL statement sent: tests and benchmarks count round trips with it. */
  onQuery?: (sql: string) => void;
  /** Hears an idle PostgreSQL connection the server ended (a restart, a terminated backend): the app logs it. */
  onConnectionLost?: (error: Error) => void;
}

export async function openDatabase(
  target: DatabaseTarget,
  { onQuery, onConnectionLost = () => undefined }: DatabaseOptions = {},
): Promise<Database> {
  let statements = 0;
  const options = {
    onQuery: (sql: string) => {
      statements++;
      onQuery?.(sql);
    },
  };
  const statementCount = () => statements;
  if (target.kind === 'postgres') {
    const pool = new Pool({ connectionString: target.url, max: target.poolSize });
    // An idle connection the server ends (a restart, a terminated backend) is dropped by the pool, and its error
    // must not crash the process. Prisma listens only while it is connected: not before, nor while closing.
    pool.on('error', onConnectionLost);
    const adapterFactory = withWholeScripts(new PrismaPg(pool), pool);
    const prisma = createClient(adapterFactory, options);
    const notifications = postgresNotifications(target.url);
    const locks = postgresLocks(target.url, target.poolSize, onConnectionLost);
    return {
      prisma,
      adapterFactory,
      notifications,
      locks,
      executeSql: async (text, values) => {
        statements++;
        return { rows: (await pool.query(text, values)).rows };
      },
      description: `PostgreSQL ${redactPassword(target.url)}`,
      statementCount,
      close: async () => {
        await notifications.close();
        await locks.close();
        await prisma.$disconnect();
        await pool.end();
      },
    };
  }
  const { connectPglite } = await import('./pglite-connection.ts');
  const { pglite, adapterFactory, notifications } = await connectPglite(target.dataDir, target.initialData);
  const prisma = createClient(adapterFactory, options);
  return {
    prisma,
    adapterFactory,
    notifications,
    locks: processLocks(),
    // Without parameters, PGlite's exec takes a whole script (libraries send several statements, BEGIN to
    // COMMIT) and runs it under its lock, so no Prisma query lands in the middle.
    executeSql: async (text, values) => {
      statements++;
      return values?.length
        ? { rows: (await pglite.query<Record<string, unknown>>(text, values)).rows }
        : { rows: ((await pglite.exec(text)).at(-1)?.rows ?? []) as Record<string, unknown>[] };
    },
    description: target.dataDir ? `PGlite (embedded) in ${target.dataDir}` : 'PGlite (embedded) in memory',
    statementCount,
    close: async () => {
      await notifications.close();
      await prisma.$disconnect();
      await pglite.close();
    },
  };
}

/**
 * The pg adapter runs a migration script by splitting it on every `;`, which breaks PL/pgSQL function
 * bodies. Sent whole, as one simple-protocol query, PostgreSQL runs it as psql would, and atomically.
 */
function withWholeScripts(factory: PrismaPg, pool: Pool): PrismaPg {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    adapter.executeScript = async (script) => {
      await pool.query(script);
    };
    return adapter;
  };
  return factory;
}

function createClient(
  adapter: SqlMigrationAwareDriverAdapterFactory,
  { onQuery }: { onQuery: (sql: string) => void },
): PrismaClient {
  const prisma = new PrismaClient({ adapter, log: [{ emit: 'event', level: 'query' }] });
  prisma.$on('query', (event) => onQuery(event.query));
  return prisma;
}

export function redactPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}
