// A replica killed with SIGKILL while it runs a provider-event job: another replica runs the job within
// a minute (the queue's expiry of running jobs, checked by whichever replica maintains the queue).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { createJobQueue } from '../../src/jobs/job-queue';
import { PROVIDER_EVENT_RETRY } from '../../src/webhooks/provider-event-processor';
import { waitUntil } from '../support/eventually';
import { describeOnPostgres, openTestDatabase, type TestDatabase } from '../support/test-database';

const STUCK_WORKER = path.join(__dirname, 'fixtures', 'stuck-worker.ts');

function startStuckWorker(url: string, name: string): { child: ChildProcess; output: () => string } {
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', STUCK_WORKER, url, name], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

describeOnPostgres('a worker killed with SIGKILL', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await openTestDatabase('postgres');
  });
  afterAll(async () => {
    await db.close();
  });

  it('leaves its job to another replica, which runs it once within 60 s', async () => {
    const name = `provider-event-test-${randomUUID()}`;
    const stuck = startStuckWorker(db.url!, name);
    const survivor = createJobQueue(db, { pollingIntervalSeconds: 0.5 });
    try {
      await waitUntil('the doomed worker is ready', () => stuck.output().includes('ready'), 20_000);
      await survivor.start();
      await survivor.send(name, { n: 7 });
      await waitUntil('the doomed worker took the job', () => stuck.output().includes('running 7'), 10_000);

      stuck.child.kill('SIGKILL');
      const killedAt = Date.now();
      const runs: number[] = [];
      await survivor.work<{ n: number }>(
        name,
        async ({ n }) => {
          runs.push(n);
        },
        PROVIDER_EVENT_RETRY,
      );

      await waitUntil('the survivor ran the job', () => runs.length > 0, 60_000);
      expect(Date.now() - killedAt).toBeLessThan(60_000);
      expect(runs).toEqual([7]);
    } finally {
      stuck.child.kill('SIGKILL');
      await survivor.stop();
    }
  }, 90_000);
});
