import { createHook } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { openDatabase } from '../../src/db/database';
import { createJobQueue, type JobQueue } from '../../src/jobs/job-queue';
import {
  describeEachDatabase,
  describeOnPostgres,
  openTestDatabase,
  type TestDatabase,
} from '../support/test-database';
import { eventually, pause, waitUntil } from '../support/eventually';
import { jobState } from '../support/scheduled-jobs';

const fast = { pollingIntervalSeconds: 0.5 };

/** A queue name of its own per test, so no test sees another's jobs. */
const queueName = () => `test-${randomUUID()}`;

describeEachDatabase('the job queue on %s', (kind) => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await db.close();
  });

  /** Waits until pg-boss has settled the job (`completed` or `failed`): a settled job never runs again. */
  const settled = (id: string | null) =>
    eventually(
      () => jobState(db, id),
      (state) => state === 'completed' || state === 'failed',
    );

  describe('while running', () => {
    let queue: JobQueue;

    beforeEach(async () => {
      queue = createJobQueue(db, fast);
      await queue.start();
    });
    afterEach(async () => {
      await queue.stop();
    });

    it('runs a job with the data it was sent', async () => {
      const name = queueName();
      const received: { invoiceId: string }[] = [];
      await queue.work<{ invoiceId: string }>(name, async (data) => {
        received.push(data);
      });

      const id = await queue.send(name, { invoiceId: 'inv_1' });

      expect(id).toEqual(expect.any(String));
      await waitUntil('the job ran', () => received.length === 1);
      expect(received).toEqual([{ invoiceId: 'inv_1' }]);
    });

    it('drains a backlog without waiting a polling interval between batches, and runs a new job at once', async () => {
      const slow = createJobQueue(db, { pollingIntervalSeconds: 5 });
      await slow.start();
      try {
        const name = queueName();
        let done = 0;
        await slow.work(name, async () => {
          done += 1;
        });
        const started = Date.now();
        // Six batches of five: one per polling interval would take half a minute.
        await Promise.all(Array.from({ length: 30 }, (_, i) => slow.send(name, { i })));
        await waitUntil('the backlog was drained', () => done === 30);
        expect(Date.now() - started).toBeLessThan(4000);
      } finally {
        await slow.stop();
      }
    });

    it('retries a failing job with growing delays until it succeeds', async () => {
      const name = queueName();
      const attempts: number[] = [];
      await queue.work(
        name,
        async () => {
          attempts.push(Date.now());
          if (attempts.length < 3) throw new Error('provider unavailable');
        },
        { retryLimit: 3, retryDelaySeconds: 1, retryBackoff: true },
      );

      const id = await queue.send(name, {});

      await waitUntil('the third attempt ran', () => attempts.length === 3);
      const [first, second, third] = attempts as [number, number, number];
      // Backoff with jitter: the n-th retry waits between delay·2^(n-1) and twice that.
      expect(second - first).toBeGreaterThanOrEqual(1000);
      expect(third - second).toBeGreaterThanOrEqual(2000);
      expect(await settled(id)).toBe('completed');
      expect(attempts).toHaveLength(3);
    });

    it('gives a job that keeps failing up after its retry limit', async () => {
      const name = queueName();
      let attempts = 0;
      await queue.work(
        name,
        async () => {
          attempts += 1;
          throw new Error('always broken');
        },
        { retryLimit: 2, retryDelaySeconds: 0, retryBackoff: false },
      );

      const id = await queue.send(name, {});

      expect(await settled(id)).toBe('failed');
      expect(attempts).toBe(3);
    });

    it('keeps one waiting job per singleton key', async () => {
      const name = queueName();
      const first = await queue.send(name, { n: 1 }, { singletonKey: 'event-1' });
      const duplicate = await queue.send(name, { n: 2 }, { singletonKey: 'event-1' });
      const other = await queue.send(name, { n: 3 }, { singletonKey: 'event-2' });
      const unkeyed = [await queue.send(name, { n: 4 }), await queue.send(name, { n: 5 })];

      expect(first).toEqual(expect.any(String));
      expect(duplicate).toBeNull();
      expect(other).toEqual(expect.any(String));
      expect(unkeyed).toEqual([expect.any(String), expect.any(String)]);

      const received: number[] = [];
      await queue.work<{ n: number }>(name, async ({ n }) => {
        received.push(n);
      });
      await waitUntil('every kept job ran', () => received.length === 4);
      expect(received.sort()).toEqual([1, 3, 4, 5]);
    });

    it('still drops a duplicate key once a worker has set the retry policy', async () => {
      const name = queueName();
      await queue.work(name, async () => undefined, { retryLimit: 1 });

      const first = await queue.send(name, {}, { singletonKey: 'event-1', startAfterSeconds: 60 });
      const duplicate = await queue.send(name, {}, { singletonKey: 'event-1', startAfterSeconds: 60 });

      expect(first).toEqual(expect.any(String));
      expect(duplicate).toBeNull();
    });

    it('holds a job back until its start delay has passed', async () => {
      const name = queueName();
      let ranAt = 0;
      await queue.work(name, async () => {
        ranAt = Date.now();
      });

      const sentAt = Date.now();
      await queue.send(name, {}, { startAfterSeconds: 2 });

      await waitUntil('the delayed job ran', () => ranAt > 0);
      expect(ranAt - sentAt).toBeGreaterThanOrEqual(1500);
    });

    it('runs a scheduled job on its cron tick', async () => {
      const name = queueName();
      const received: object[] = [];
      await queue.work(name, async (data) => {
        received.push(data);
      });

      await queue.schedule(name, '* * * * *', { sweep: 'customers' });

      await waitUntil('the scheduled job ran', () => received.length === 1);
      expect(received).toEqual([{ sweep: 'customers' }]);
    });
  });

  it('waits for a running handler when stopped, and leaves no timer running', async () => {
    const stopping = createJobQueue(db, fast);
    const timers = trackQueueTimers();
    try {
      await stopping.start();
      const name = queueName();
      let started = false;
      let finished = false;
      await stopping.work(name, async () => {
        started = true;
        await pause(700);
        finished = true;
      });
      await stopping.send(name, {});
      await waitUntil('the handler started', () => started);

      await stopping.stop();

      expect(finished).toBe(true);
      await new Promise((resolve) => setImmediate(resolve));
      expect(timers.pending()).toEqual([]);
    } finally {
      timers.disable();
    }
  });
});

describeOnPostgres('two replicas on one PostgreSQL database', () => {
  it('process each job exactly once between them', async () => {
    const db = await openTestDatabase('postgres');
    const second = await openDatabase({ kind: 'postgres', url: db.url!, poolSize: 4 });
    const replicas = [createJobQueue(db, fast), createJobQueue(second, fast)];
    try {
      const name = queueName();
      const runs = new Map<number, string[]>();
      for (const [index, replica] of replicas.entries()) {
        await replica.start();
        await replica.work<{ n: number }>(name, async ({ n }) => {
          runs.set(n, [...(runs.get(n) ?? []), `replica-${index}`]);
          await pause(20);
        });
      }

      const jobs = Array.from({ length: 40 }, (_, n) => n);
      await Promise.all(jobs.map((n) => replicas[n % 2]!.send(name, { n })));

      await waitUntil('every job ran', () => runs.size === jobs.length);
      // Every job completed: none is left to run a second time.
      await waitUntil('every job is completed', async () => {
        const { rows } = await db.executeSql(
          `SELECT (SELECT count(*) FROM pgboss.job WHERE name = $1 AND state = 'completed') + (SELECT count(*) FROM pgboss.archive WHERE name = $1 AND state = 'completed') AS n`,
          [name],
        );
        return Number(rows[0]!.n) === jobs.length;
      });
      expect([...runs.values()].every((ranOn) => ranOn.length === 1)).toBe(true);
      expect(new Set([...runs.values()].flat())).toEqual(new Set(['replica-0', 'replica-1']));
    } finally {
      for (const replica of replicas) await replica.stop();
      await second.close();
      await db.close();
    }
  });
});

/** Timers and immediates that pg-boss or the queue created and that have not fired or been cleared. */
function trackQueueTimers() {
  const pending = new Map<number, string>();
  const hook = createHook({
    init(id, type) {
      if (type !== 'Timeout' && type !== 'Immediate') return;
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 50;
      const stack = new Error().stack ?? '';
      Error.stackTraceLimit = limit;
      if (/node_modules[\\/]pg-boss|src[\\/]jobs/.test(stack)) pending.set(id, `${type} ${stack}`);
    },
    destroy(id) {
      pending.delete(id);
    },
  }).enable();
  return { pending: () => [...pending.values()], disable: () => hook.disable() };
}
