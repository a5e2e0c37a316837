import { createApp, type BillingApp } from '../../src/app';
import pino from 'pino';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestApp, testConfig, type TestApp } from '../support/test-app';
import { databaseKinds } from '../support/test-database';

// The viewers here have no subscription, so the preview answers NOT_FOUND: it is counted all the same,
// since the limit is taken before any resolver runs.
const PREVIEW = `query { previewPlanChange(planId: "pro", interval: MONTH) { total { amount } } }`;
const codes = (res: { errors?: { extensions?: Record<string, unknown> }[] }) =>
  (res.errors ?? []).map((error) => error.extensions?.code);

describe.each(databaseKinds)('the payment provider budget on %s', (kind) => {
  let t: TestApp;
  let token: (sub: string) => Promise<string>;
  beforeAll(async () => {
    t = await startTestApp(kind, { PROVIDER_RATE_LIMIT: '3', PROVIDER_RATE_WINDOW_SECONDS: '3600' });
    token = (sub) => t.token({ sub });
  });
  afterAll(() => t.close());

  it('refuses two provider-calling fields in one operation, aliases and fragments included, before any resolver', async () => {
    const viewer = await token('alias-user');
    const documents = [
      `mutation { a: startPaymentMethodSetup { clientSecret } b: startPaymentMethodSetup { clientSecret } }`,
      `mutation { startPaymentMethodSetup { clientSecret } subscribe(planId: "pro", interval: MONTH) { __typename } }`,
      `mutation { ...Both } fragment Both on Mutation { a: resumeSubscription(expectedVersion: 1) { __typename } ... on Mutation { b: resumeSubscription(expectedVersion: 1) { __typename } } }`,
      `query { a: previewPlanChange(planId: "pro", interval: MONTH) { total { amount } } b: previewPlanChange(planId: "lite", interval: MONTH) { total { amount } } }`,
    ];
    for (const query of documents) {
      t.resetQueries();
      const res = await t.graphql(query, { token: viewer });
      expect(res.status).toBe(400);
      expect(res.errors).toEqual([
        expect.objectContaining({
          message: expect.stringMatching(/^At most one payment-provider operation per request/),
          extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
        }),
      ]);
      expect(t.queries).toEqual([]);
    }
    // The same field twice without an alias is one field: GraphQL merges it, and it runs once.
    const merged = await t.graphql(
      `query { previewPlanChange(planId: "pro", interval: MONTH) { total { amount } } previewPlanChange(planId: "pro", interval: MONTH) { tax { amount } } }`,
      { token: viewer },
    );
    expect(codes(merged)).toEqual(['NOT_FOUND']);
  });

  it('answers RATE_LIMITED with the seconds to wait once a viewer is over the limit; other viewers are not affected', async () => {
    const viewer = await token('busy-user');
    for (let i = 0; i < 3; i += 1) expect(codes(await t.graphql(PREVIEW, { token: viewer }))).toEqual(['NOT_FOUND']);
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${viewer}` },
      body: JSON.stringify({ query: PREVIEW }),
    });
    const body = (await response.json()) as { errors: { extensions: { code: string; retryAfterSeconds: number } }[] };
    expect(response.status).toBe(429);
    expect(body.errors[0]?.extensions.code).toBe('RATE_LIMITED');
    const retryAfter = body.errors[0]!.extensions.retryAfterSeconds;
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect(response.headers.get('retry-after')).toBe(String(retryAfter));
    // Reads that call no provider are not counted.
    expect((await t.graphql(`{ plans { id } }`, { token: viewer })).errors).toBeUndefined();
    expect(codes(await t.graphql(PREVIEW, { token: await token('calm-user') }))).toEqual(['NOT_FOUND']);
  });
});

describe('the provider rate limit across replicas', () => {
  const postgres = databaseKinds.includes('postgres');
  (postgres ? it : it.skip)('is shared by two replicas on one PostgreSQL database', async () => {
    const t = await startTestApp('postgres', { PROVIDER_RATE_LIMIT: '2', PROVIDER_RATE_WINDOW_SECONDS: '3600' });
    let second: BillingApp | null = null;
    let server: Server | null = null;
    try {
      // Another process in all but name: its own pool, caches and emulator, on the same database.
      second = await createApp(
        testConfig({ DATABASE_URL: t.db.url!, PROVIDER_RATE_LIMIT: '2', PROVIDER_RATE_WINDOW_SECONDS: '3600' }),
        { logger: pino({ level: 'silent' }) },
      );
      const app = second;
      server = createServer((req, res) => void app.http(req, res)).listen(0, '127.0.0.1');
      await new Promise((resolve) => server!.once('listening', resolve));
      const secondUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
      const token = await t.token({ sub: 'two-replicas' });
      const viaSecond = async () => {
        const res = await fetch(secondUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query: PREVIEW }),
        });
        return res.status;
      };
      expect(codes(await t.graphql(PREVIEW, { token }))).toEqual(['NOT_FOUND']);
      expect(await viaSecond()).toBe(200);
      expect((await t.graphql(PREVIEW, { token })).status).toBe(429);
      expect(await viaSecond()).toBe(429);
    } finally {
      server?.closeAllConnections();
      await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
      await second?.close();
      await t.close();
    }
  });
});
