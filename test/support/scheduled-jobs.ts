// Runs one of the app's scheduled jobs (src/jobs/billing-jobs.ts) now, as its cron tick would: the job is
// sent to the app's queue from another client of its database, and the app's own worker runs it.
import { createJobQueue } from '../../src/jobs/job-queue';
import { eventually } from './eventually';
import type { TestApp } from './test-app';

export async function runScheduledJob(t: TestApp, name: string): Promise<void> {
  const queue = createJobQueue(t.db, { pollingIntervalSeconds: 0.5 });
  await queue.start();
  try {
    const id = await queue.send(name, {});
    const state = async () =>
      (await t.db.executeSql(`SELECT state, output FROM pgboss.job WHERE id = $1 UNION ALL SELECT state, output FROM pgboss.archive WHERE id = $1`, [id])).rows[0] as
        | { state: string; output: unknown }
        | undefined;
    const done = await eventually(state, (job) => job !== undefined && ['completed', 'failed', 'retry'].includes(job.state));
    if (done?.state !== 'completed') throw new Error(`the ${name} job did not complete: ${JSON.stringify(done)}`);
  } finally {
    await queue.stop();
  }
}
