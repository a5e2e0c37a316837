import { LockTimeoutError, postgresLocks, type DatabaseLocks } from '../../src/db/database-locks';
import { openDatabase, type Database } from '../../src/db/database';
import { pause, waitUntil } from '../support/eventually';
import {
  describeEachDatabase,
  describeOnPostgres,
  openTestDatabase,
  type TestDatabase,
} from '../support/test-database';

/** Runs `task` under `key`, noting when it starts and ends, so a test can see overlaps. */
function recorder(locks: DatabaseLocks) {
  const events: string[] = [];
  const run = (key: string, name: string, ms = 30) =>
    locks.withLock(key, async () => {
      events.push(`${name}+`);
      await pause(ms);
      events.push(`${name}-`);
    });
  return { events, run };
}

describeEachDatabase('database locks on %s', (kind) => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await db.close();
  });

  it('runs the holders of one key one at a time, and other keys side by side', async () => {
    const { events, run } = recorder(db.locks);
    await Promise.all([run('customer:a', 'a1'), run('customer:a', 'a2'), run('customer:a', 'a3')]);
    // Each holder ends before the next starts (PostgreSQL does not promise the waiters' order).
    for (let i = 0; i < events.length; i += 2) expect(events[i + 1]).toBe(events[i]!.replace('+', '-'));

    // b is asked for only once a holds its lock (on PostgreSQL taking it is a round trip).
    let release!: () => void;
    let holding!: () => void;
    const acquired = new Promise<void>((resolve) => (holding = resolve));
    const held = db.locks.withLock(
      'customer:a',
      () =>
        new Promise<void>((resolve) => {
          release = resolve;
          holding();
        }),
    );
    await acquired;
    await expect(db.locks.withLock('customer:b', async () => 'not kept waiting')).resolves.toBe('not kept waiting');
    release();
    await held;
  });

  it('lets a holder take its own lock again and others inside it, and frees them when it throws', async () => {
    const nested = await db.locks.withLock('customer:c', () =>
      db.locks.withLock('subscription:s', () => db.locks.withLock('customer:c', async () => 'inside')),
    );
    expect(nested).toBe('inside');
    await expect(db.locks.withLock('customer:c', async () => Promise.reject(new Error('declined')))).rejects.toThrow(
      'declined',
    );
    await expect(db.locks.withLock('customer:c', async () => 'free again')).resolves.toBe('free again');
  });
});

describeOnPostgres('database locks across replicas', () => {
  let db: TestDatabase;
  let replica: Database;

  beforeAll(async () => {
    db = await openTestDatabase('postgres');
    replica = await openDatabase({ kind: 'postgres', url: db.url!, poolSize: 2 });
  });
  afterAll(async () => {
    await replica.close();
    await db.close();
  });

  it('excludes the holders of one key on two replicas (two pools)', async () => {
    const events: string[] = [];
    const run = (locks: DatabaseLocks, name: string) =>
      locks.withLock('customer:shared', async () => {
        events.push(`${name}+`);
        await pause(50);
        events.push(`${name}-`);
      });
    await Promise.all([run(db.locks, 'a'), run(replica.locks, 'b'), run(db.locks, 'c'), run(replica.locks, 'd')]);
    for (let i = 0; i < events.length; i += 2) expect(events[i]!.slice(0, 1)).toBe(events[i + 1]!.slice(0, 1));
  });

  it('frees the lock of a replica whose connection dies, at once', async () => {
    let holding = false;
    let finish!: () => void;
    const dying = replica.locks.withLock('customer:crash', async () => {
      holding = true;
      await new Promise<void>((resolve) => (finish = resolve));
    });
    await waitUntil('the replica holds the lock', () => holding);
    // Only this test's database: other databases of the server are none of its business.
    await db.executeSql(
      `SELECT pg_terminate_backend(pid) FROM pg_locks
       WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()
         AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    const started = Date.now();
    await db.locks.withLock('customer:crash', async () => undefined);
    expect(Date.now() - started).toBeLessThan(5_000);
    // The holder's own process survives the loss of its connection, and its work ends normally.
    finish();
    await expect(dying).resolves.toBeUndefined();
  });

  it('gives up waiting after its limit with a LockTimeoutError', async () => {
    const impatient = postgresLocks(db.url!, 1, () => undefined, 200);
    let release!: () => void;
    let holding = false;
    const held = db.locks.withLock('customer:busy', () => {
      holding = true;
      return new Promise<void>((resolve) => (release = resolve));
    });
    try {
      await waitUntil('the lock is held', () => holding);
      await expect(impatient.withLock('customer:busy', async () => undefined)).rejects.toBeInstanceOf(LockTimeoutError);
    } finally {
      release();
      await held;
      await impatient.close();
    }
  });
});
