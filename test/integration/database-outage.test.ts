import { openDatabase } from '../../src/db/database';
import { eventually } from '../support/eventually';
import { startTestApp, type TestApp } from '../support/test-app';
import { createPostgresDatabase, databaseKinds, withAdminClient } from '../support/test-database';

const PROFILE = `{ billingProfile(owner: { userId: "ada" }) { createdAt unpaidInvoice } }`;

(databaseKinds.includes('postgres') ? describe : describe.skip)('while PostgreSQL refuses connections', () => {
  let t: TestApp;
  let name: string;
  const refuseConnections = (refuse: boolean) =>
    withAdminClient(async (client) => {
      await client.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS ${refuse ? 'false' : 'true'}`);
      if (refuse)
        await client.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
          [name],
        );
    });

  beforeAll(async () => {
    // No customer cache: every request reads the database.
    t = await startTestApp('postgres', { CUSTOMER_CACHE_SIZE: '0' });
    name = new URL(t.db.url!).pathname.slice(1);
  });
  afterAll(async () => {
    await refuseConnections(false);
    await t.close();
  });

  it('answers GraphQL with HTTP 503, SERVICE_UNAVAILABLE and Retry-After, then recovers', async () => {
    const token = await t.token({ sub: 'ada' });
    const request = () =>
      fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: PROFILE }),
      });
    expect((await request()).status).toBe(200);

    await refuseConnections(true);
    const down = await request();
    const body = (await down.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] };
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('5');
    expect(body.errors[0]).toMatchObject({
      message: 'The service is temporarily unavailable: try again shortly.',
      extensions: { code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 5 },
    });
    expect(JSON.stringify(body)).not.toMatch(/prisma|postgres|57P01|55000|accepting/i);
    expect((await fetch(`${t.url}/health/ready`)).status).toBe(503);

    await refuseConnections(false);
    expect((await request()).status).toBe(200);
  });
});

(databaseKinds.includes('postgres') ? describe : describe.skip)('an idle connection the server ends', () => {
  it('is dropped, reported and replaced, not a crash, even while Prisma is not connected to hear of it', async () => {
    const { url, drop } = await createPostgresDatabase();
    const lost: Error[] = [];
    const db = await openDatabase(
      { kind: 'postgres', url, poolSize: 1 },
      { onConnectionLost: (error) => lost.push(error) },
    );
    try {
      // Plain SQL first (the job queue's way in): the pool holds an idle connection and Prisma has not connected.
      const [{ pid }] = (await db.executeSql('SELECT pg_backend_pid() AS pid')).rows as [{ pid: number }];
      await withAdminClient((client) => client.query('SELECT pg_terminate_backend($1)', [pid]));
      // Unhandled, the pool's error would have failed this test; a new connection now answers.
      const next = await eventually(
        () =>
          db
            .executeSql('SELECT pg_backend_pid() AS pid')
            .then(({ rows }) => rows[0]!.pid)
            .catch(() => pid),
        (current) => current !== pid,
      );
      expect(next).not.toBe(pid);
      // Heard, for the app's log, with the server's reason.
      expect(lost.map((error) => error.message)).toEqual([expect.stringMatching(/terminating connection/)]);
    } finally {
      await db.close();
      await drop();
    }
  });
});
