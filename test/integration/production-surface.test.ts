import pino from 'pino';
import type { RateLimitCounters } from '../../src/db/rate-limit-counters';
import { createApolloServer } from '../../src/graphql/apollo-server';
import type { GraphQLContext } from '../../src/graphql/context';
import { ProviderRateLimiter } from '../../src/graphql/provider-budget';
import { startTestApp, testConfig, type TestApp } from '../support/test-app';

const GATEWAY_SECRET = 'Yt5Re8Wq2Zx7Cv4Bn1Mk9Lp6Jh3Gf0Ds';

describe('behind GATEWAY_SECRET', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('pglite', { GATEWAY_SECRET });
  });
  afterAll(() => t.close());

  const post = (headers: Record<string, string>, query: string) =>
    fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query }),
    });

  it('answers no GraphQL request without the secret, even with a valid token', async () => {
    const token = await t.token({ sub: 'ada' });
    for (const headers of [
      { authorization: `Bearer ${token}` },
      { authorization: `Bearer ${token}`, 'x-gateway-secret': 'guess' },
    ] as Record<string, string>[]) {
      const res = await post(headers, '{ plans { id } }');
      expect(res.status).toBe(401);
      expect(((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe(
        'UNAUTHENTICATED',
      );
    }
    const res = await post(
      { authorization: `Bearer ${token}`, 'x-gateway-secret': GATEWAY_SECRET },
      '{ plans { id } }',
    );
    expect(res.status).toBe(200);
  });

  it('lets the router read the SDL anonymously with the secret', async () => {
    const res = await post({ 'x-gateway-secret': GATEWAY_SECRET }, '{ _service { sdl } }');
    expect(res.status).toBe(200);
    expect(((await res.json()) as { data: { _service: { sdl: string } } }).data._service.sdl).toContain(
      'type Customer',
    );
  });

  it('keeps health checks outside the secret (probes do not carry it)', async () => {
    expect((await fetch(`${t.url}/health/live`)).status).toBe(200);
  });
});

describe('the production GraphQL server', () => {
  const limits = testConfig().graphql;
  const unusedLimiter = new ProviderRateLimiter({} as RateLimitCounters, { operations: 1, windowSeconds: 1 });
  const server = (anonymousSdl: boolean) =>
    createApolloServer({
      logger: pino({ level: 'silent' }),
      production: true,
      anonymousSdl,
      limits,
      rateLimiter: unusedLimiter,
      metrics: { observeRequest: () => undefined },
    });
  const anonymous = { viewer: null, requestId: 'test', logger: pino({ level: 'silent' }) } as unknown as GraphQLContext;

  async function run(anonymousSdl: boolean, query: string) {
    const apollo = server(anonymousSdl);
    await apollo.start();
    try {
      const response = await apollo.executeOperation({ query }, { contextValue: anonymous });
      if (response.body.kind !== 'single') throw new Error('expected a single result');
      return response.body.singleResult;
    } finally {
      await apollo.stop();
    }
  }

  it('names no field the client did not know: no "Did you mean"', async () => {
    const result = await run(false, '{ plan(id: "pro") { nme } bilingProfile }');
    const messages = result.errors?.map((error) => error.message) ?? [];
    expect(messages).toEqual([
      'Cannot query field "nme" on type "Plan".',
      'Cannot query field "bilingProfile" on type "Query".',
    ]);
  });

  it('hides the SDL from anonymous callers unless the gateway secret guards the service', async () => {
    expect((await run(false, '{ _service { sdl } }')).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await run(true, '{ _service { sdl } }')).data).toEqual({
      _service: { sdl: expect.stringContaining('type Customer') },
    });
  });

  it('refuses introspection', async () => {
    expect((await run(true, '{ __schema { types { name } } }')).errors?.[0]?.extensions?.code).toBe(
      'GRAPHQL_VALIDATION_FAILED',
    );
  });
});
