// pg-boss's database port, served by the service's own Database so the queue shares its connections
// (PostgreSQL pool or embedded PGlite) instead of opening a pool of its own.
import type { Database } from '../db/database.ts';

export interface QueueSqlExecutor {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  /** Statements sent and not yet answered: shutdown waits for them. */
  readonly inFlight: number;
}

export function createQueueSqlExecutor(database: Database): QueueSqlExecutor {
  let inFlight = 0;
  return {
    async executeSql(text, values) {
      inFlight += 1;
      try {
        return await database.executeSql(text, values);
      } finally {
        inFlight -= 1;
      }
    },
    get inFlight() {
      return inFlight;
    },
  };
}
