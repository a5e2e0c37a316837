// Runs one of the app's scheduled jobs (src/jobs/billing-jobs.ts) now, as its cron tick would: the job is
// sent to the app's queue from another client of its database, and the app's own worker runs it.
import type { Database } from '../../src/db/database';
import { createJobQueue } from '../../src/jobs/job-queue';
import { eventually } from './eventually';
import type { TestApp } from './test-app';

/** A job's pg-boss state (`created`, `active`, `retry`, `completed`, `failed`…), kept or archived; undefined before it exists. */
export async function jobState(db: Pick<Database, 'executeSql'>, id: string | null): Promise<string | undefined> {
  const { rows } = await db.executeSql(
    `SELECT state FROM pgboss.job WHERE id = $1 UNION ALL SELECT state FROM pgboss.archive WHERE id = $1`,
    [id],
  );
  return rows[0]?.state as string | undefined;
}

export async function runScheduledJob(t: TestApp, name: string): Promise<void> {
  const queue = createJobQueue(t.db, { pollingIntervalSeconds: 0.5 });
  await queue.start();
  try {
    const id = await queue.send(name, {});
    const state = await eventually(
      () => jobState(t.db, id),
      (current) => current === 'completed' || current === 'failed' || current === 'retry',
    );
    if (state !== 'completed') throw new Error(`the ${name} job did not complete: it is ${state}`);
  } finally {
    await queue.stop();
  }
}
