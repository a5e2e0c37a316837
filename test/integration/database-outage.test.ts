import { startTestApp, type TestApp } from '../support/test-app';
import { databaseKinds, withAdminClient } from '../support/test-database';

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
