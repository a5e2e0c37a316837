// The job queue: pg-boss on the service's own database (PostgreSQL, or embedded PGlite), so every replica
// shares one queue and a job is fetched by exactly one of them (FOR UPDATE SKIP LOCKED). A job runs at
// least once: handlers must be idempotent, because a replica can die between doing the work and
// recording that it did.
import { randomUUID } from 'node:crypto';
import PgBoss from 'pg-boss';
import pino, { type Logger } from 'pino';
import type { Database } from '../db/database.ts';
import { createQueueSqlExecutor } from './queue-sql-executor.ts';

export interface SendOptions {
  /** At most one queued job per key: a second send while the first still waits is dropped. */
  singletonKey?: string;
  /**
   * The job's own id (a UUID): a second send with the same id is dropped as long as the first job is kept,
   * whatever its state (waiting, running, retrying, done or failed), so one event makes one job.
   */
  id?: string;
  startAfterSeconds?: number;
}

export interface RetryPolicy {
  /** Retries after the first attempt; 0 runs the job once. */
  retryLimit?: number;
  retryDelaySeconds?: number;
  /** Doubles the delay after each failure, with jitter. */
  retryBackoff?: boolean;
  /**
   * A running job not finished after this long is taken as lost (its worker died) and retried by any
   * replica. Jobs that may run longer legitimately keep the default (15 minutes).
   */
  expireInSeconds?: number;
}

export interface JobQueue {
  start(): Promise<void>;
  /** Graceful: stops fetching and waits for running handlers, at most STOP_TIMEOUT_MS. */
  stop(): Promise<void>;
  /** Returns the job id, or null when `singletonKey` deduplicated it. */
  send<T extends object>(name: string, data: T, options?: SendOptions): Promise<string | null>;
  work<T extends object>(name: string, handler: (data: T) => Promise<void>, retry?: RetryPolicy): Promise<void>;
  /** Enqueues `name` on a cron schedule (UTC), once per tick across all replicas. */
  schedule(name: string, cron: string, data?: object): Promise<void>;
}

export interface JobQueueOptions {
  /** How often an idle worker asks for a job; pg-boss allows 0.5 s at least. */
  pollingIntervalSeconds?: number;
  logger?: Logger;
}

const DEFAULT_RETRY: Required<RetryPolicy> = {
  retryLimit: 5,
  retryDelaySeconds: 10,
  retryBackoff: true,
  expireInSeconds: 15 * 60,
};

/** How often one replica (any) looks for expired jobs: a lost job waits at most its expiry plus this. */
export const MAINTENANCE_INTERVAL_SECONDS = 5;

/** Jobs a worker takes per poll and runs side by side: a worker only polls again once all are done. */
const JOBS_PER_FETCH = 5;

/** Under the usual 30 s an orchestrator grants between SIGTERM and SIGKILL. */
const STOP_TIMEOUT_MS = 10_000;

/** pg-boss's own tables live apart from the Prisma-managed ones; it creates and migrates them at start. */
export const JOB_QUEUE_SCHEMA = 'pgboss';

/**
 * pg-boss's `short` policy: unique (queue, singleton key) among waiting jobs. It treats a missing key as
 * the empty key, so `send` gives an unkeyed job its own id as key to keep it apart from the others.
 */
const QUEUE_POLICY = 'short';

/** Schedules are due at most once a minute; checking more often than every 30 s buys nothing in production. */
const MAX_CRON_CHECK_SECONDS = 30;

export function createJobQueue(database: Database, options: JobQueueOptions = {}): JobQueue {
  const { pollingIntervalSeconds = 2, logger = pino({ enabled: false }) } = options;
  const executor = createQueueSqlExecutor(database);
  const cronCheckSeconds = Math.min(MAX_CRON_CHECK_SECONDS, Math.max(1, Math.round(pollingIntervalSeconds)));
  const boss = new PgBoss({
    db: executor,
    schema: JOB_QUEUE_SCHEMA,
    pollingIntervalSeconds,
    cronMonitorIntervalSeconds: cronCheckSeconds,
    cronWorkerIntervalSeconds: cronCheckSeconds,
    maintenanceIntervalSeconds: MAINTENANCE_INTERVAL_SECONDS,
  });
  boss.on('error', (error) => logger.error({ err: error }, 'job queue error'));

  const knownQueues = new Set<string>();
  /** This process's workers by queue: woken at once when there is work rather than at the next poll. */
  const workers = new Map<string, string[]>();
  const wake = (name: string) => {
    for (const id of workers.get(name) ?? []) boss.notifyWorker(id);
  };
  let runningHandlers = 0;

  async function ensureQueue(name: string, retry?: Required<RetryPolicy>): Promise<void> {
    if (!retry && knownQueues.has(name)) return;
    await boss.createQueue(name, { name, policy: QUEUE_POLICY });
    if (retry) {
      // createQueue leaves an existing queue as it was; the code's retry policy is the one that holds.
      // updateQueue resets an omitted policy to `standard`, so it is named again.
      await boss.updateQueue(name, {
        name,
        policy: QUEUE_POLICY,
        retryLimit: retry.retryLimit,
        retryDelay: retry.retryDelaySeconds,
        retryBackoff: retry.retryBackoff,
        expireInSeconds: retry.expireInSeconds,
      });
    }
    knownQueues.add(name);
  }

  return {
    async start() {
      await boss.start();
    },

    async stop() {
      await boss.stop({ graceful: true, timeout: STOP_TIMEOUT_MS });
      // pg-boss waits for the jobs it knows are running; a fetch answered during shutdown still starts a
      // handler and completes it, so wait for those statements too before the caller closes the database.
      const deadline = Date.now() + STOP_TIMEOUT_MS;
      while ((runningHandlers > 0 || executor.inFlight > 0) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },

    async send(name, data, { singletonKey, startAfterSeconds, id = randomUUID() } = {}) {
      await ensureQueue(name);
      const sent = await boss.send(name, data, {
        id,
        singletonKey: singletonKey ?? id,
        ...(startAfterSeconds !== undefined && { startAfter: startAfterSeconds }),
      });
      // A job due now is fetched at once by this replica's worker, not a polling interval later.
      if (sent && !startAfterSeconds) wake(name);
      return sent;
    },

    async work<T extends object>(name: string, handler: (data: T) => Promise<void>, retry: RetryPolicy = {}) {
      await ensureQueue(name, { ...DEFAULT_RETRY, ...retry });
      const workerId = await boss.work<T>(
        name,
        { pollingIntervalSeconds, batchSize: JOBS_PER_FETCH, includeMetadata: true },
        async (jobs) => {
          runningHandlers += jobs.length;
          await Promise.all(
            jobs.map(async (job) => {
              try {
                await handler(job.data);
              } catch (error) {
                const final = job.retryCount >= job.retryLimit;
                logger[final ? 'error' : 'warn'](
                  { err: error, job: name, jobId: job.id, attempt: job.retryCount + 1, retryLimit: job.retryLimit },
                  final ? 'job failed for good' : 'job failed, will retry',
                );
                // Failed one by one: pg-boss then completes the rest of the batch, still active.
                await boss.fail(name, job.id, toJobOutput(error));
              } finally {
                runningHandlers -= 1;
              }
            }),
          );
          // pg-boss waits a polling interval after every fetch; a full batch means more may wait: fetch again now.
          if (jobs.length === JOBS_PER_FETCH) boss.notifyWorker(workerId);
        },
      );
      workers.set(name, [...(workers.get(name) ?? []), workerId]);
    },

    async schedule(name, cron, data = {}) {
      await ensureQueue(name);
      // Keyed by name: a tick that finds the previous one still waiting is dropped rather than piled up.
      await boss.schedule(name, cron, data, { tz: 'UTC', singletonKey: name });
    },
  };
}

/** What pg-boss records as the failed attempt's output: the message, never the data. */
function toJobOutput(error: unknown): object {
  return { message: error instanceof Error ? error.message : String(error) };
}
