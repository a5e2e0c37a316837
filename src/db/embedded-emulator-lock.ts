// One process per PostgreSQL database may run the embedded Stripe emulator: replicas each with their own
// emulator would each hold a different half of the provider's objects and fail each other's jobs.
import { Client } from 'pg';

/** pg_try_advisory_lock key: "STRIPEEM" read as a bigint, unlikely to meet another lock. */
const LOCK_KEY = '6004233007617344845';

export interface HeldLock {
  release(): Promise<void>;
}

/**
 * Takes a session-level advisory lock on a dedicated connection and keeps it for the life of the process;
 * null when another process holds it. `onLost` hears if the connection, and so the lock, is lost later.
 */
export async function acquireEmbeddedEmulatorLock(
  url: string,
  onLost: (error: Error) => void,
): Promise<HeldLock | null> {
  const client = new Client({ connectionString: url });
  // An idle connection the server ends (restart, dropped database) must not crash the process: the lock is
  // gone with it, which is reported.
  client.on('error', onLost);
  await client.connect();
  const result = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS locked', [
    LOCK_KEY,
  ]);
  if (!result.rows[0]?.locked) {
    await client.end();
    return null;
  }
  return { release: () => client.end() };
}
