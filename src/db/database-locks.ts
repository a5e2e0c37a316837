// Named locks that hold across every replica of the service, for what must not run twice at once (one
// customer's money operations, the sync of one provider object).
//
// PostgreSQL: a session-level advisory lock on a connection of a pool of its own. No transaction stays
// open across the provider's HTTP calls (no snapshot or row lock held, no idle-in-transaction), and a
// replica that dies loses its connection, so PostgreSQL releases its locks at once: no lease to expire.
// The pool is apart from Prisma's so that lock holders can never take all the connections their own
// queries wait for. Locks taken inside a held lock reuse its connection (AsyncLocalStorage), so nesting
// costs no second connection and cannot exhaust the pool.
//
// PGlite: the embedded database has exactly one client, this process (it owns the data directory), so a
// process-wide lock is a database-wide one. Its single connection cannot hold advisory locks apart per
// caller (one session), hence keyed promise chains instead.
import { AsyncLocalStorage } from 'node:async_hooks';
import { Pool, type PoolClient } from 'pg';

export interface DatabaseLocks {
  /**
   * Runs `task` holding the lock named `key`, waiting for it when another caller (any replica) holds it.
   * Re-entrant: a task may take the same or other locks again. Throws LockTimeoutError after the wait limit.
   */
  withLock<T>(key: string, task: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export class LockTimeoutError extends Error {
  override name = 'LockTimeoutError';
  constructor(readonly key: string) {
    super(`timed out waiting for the lock ${key}`);
  }
}

/** Long enough for a provider call with its retries; short enough that a stuck holder surfaces. */
export const LOCK_WAIT_MS = 30_000;

const LOCK_NOT_AVAILABLE = '55P03';

interface HeldSession {
  client: PoolClient;
  keys: Set<string>;
  released: boolean;
}

export function postgresLocks(
  url: string,
  poolSize: number,
  onConnectionLost: (error: Error) => void = () => undefined,
  waitMs = LOCK_WAIT_MS,
): DatabaseLocks {
  const pool = new Pool({ connectionString: url, max: poolSize, options: `-c lock_timeout=${waitMs}` });
  // An idle lock connection that breaks is dropped by the pool; the error must not crash the process.
  pool.on('error', onConnectionLost);
  const sessions = new AsyncLocalStorage<HeldSession>();

  const lock = async (client: PoolClient, key: string) => {
    try {
      await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [key]);
    } catch (error) {
      if ((error as { code?: string }).code === LOCK_NOT_AVAILABLE) throw new LockTimeoutError(key);
      throw error;
    }
  };
  const unlock = (client: PoolClient, key: string) =>
    client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]);

  return {
    async withLock(key, task) {
      const held = sessions.getStore();
      if (held && !held.released) {
        if (held.keys.has(key)) return task();
        await lock(held.client, key);
        held.keys.add(key);
        try {
          return await task();
        } finally {
          held.keys.delete(key);
          await unlock(held.client, key);
        }
      }
      const client = await pool.connect();
      let broken: Error | undefined;
      // A held connection that dies (server restart, terminated backend) must not crash the process; its
      // lock is gone with it, and the release below then fails and discards the connection.
      const onError = (error: Error) => {
        broken = error;
      };
      client.on('error', onError);
      try {
        await lock(client, key);
      } catch (error) {
        client.off('error', onError);
        client.release(error as Error);
        throw error;
      }
      const session: HeldSession = { client, keys: new Set([key]), released: false };
      try {
        return await sessions.run(session, task);
      } finally {
        session.released = true;
        // A connection whose unlock failed is closed rather than reused: closing releases its locks.
        if (!broken) {
          await unlock(client, key).catch((error: Error) => {
            broken = error;
          });
        }
        client.off('error', onError);
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}

export function processLocks(): DatabaseLocks {
  const tails = new Map<string, Promise<unknown>>();
  const held = new AsyncLocalStorage<ReadonlySet<string>>();
  return {
    withLock<T>(key: string, task: () => Promise<T>): Promise<T> {
      const keys = held.getStore() ?? new Set<string>();
      if (keys.has(key)) return task();
      const run = () => held.run(new Set([...keys, key]), task);
      const result = (tails.get(key) ?? Promise.resolve()).then(run, run);
      const tail = result.catch(() => undefined);
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return result;
    },
    close: async () => undefined,
  };
}
