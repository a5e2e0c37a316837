import { startTestApp, type TestApp } from '../support/test-app';

describe('the HTTP server', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('pglite', { HTTP_BODY_LIMIT_BYTES: '2000' });
  });
  afterAll(() => t.close());

  it('reports liveness, and readiness from the database', async () => {
    expect(await (await fetch(`${t.url}/health/live`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${t.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok' });
  });

  it('echoes a well-formed x-request-id and makes one up otherwise', async () => {
    const echoed = await fetch(`${t.url}/health/live`, { headers: { 'x-request-id': 'gw-123' } });
    expect(echoed.headers.get('x-request-id')).toBe('gw-123');
    const replaced = await fetch(`${t.url}/health/live`, { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses an oversized body with 413 and malformed JSON with 400, without a stack trace', async () => {
    const big = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ plans { id } }`, padding: 'x'.repeat(5000) }),
    });
    expect(big.status).toBe(413);
    expect(await big.json()).toEqual({
      errors: [{ message: 'request body too large', extensions: { code: 'PAYLOAD_TOO_LARGE' } }],
    });
    const malformed = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": ',
    });
    expect(malformed.status).toBe(400);
    const text = await malformed.text();
    expect(text).not.toMatch(/at .*\.(js|ts):\d+/);
    expect(JSON.parse(text).errors[0].extensions.code).toBe('BAD_REQUEST');
  });

  it('answers an unknown route with 404 and NOT_FOUND', async () => {
    const response = await fetch(`${t.url}/nope`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ errors: [{ message: 'not found', extensions: { code: 'NOT_FOUND' } }] });
  });

  it('masks an internal failure as INTERNAL_SERVER_ERROR, with no detail', async () => {
    const token = await t.token({ sub: 'ada' });
    // Break the database under the running app: the resolver's error must not reach the client.
    await t.db.prisma.$executeRawUnsafe('ALTER TABLE plans RENAME TO plans_moved');
    try {
      const res = await t.graphql(`{ plans { id } }`, { token });
      expect(res.errors).toEqual([
        {
          message: 'Internal server error',
          path: ['plans'],
          locations: expect.any(Array),
          extensions: { code: 'INTERNAL_SERVER_ERROR' },
        },
      ]);
      expect(JSON.stringify(res)).not.toMatch(/plans_moved|prisma|stack|relation/i);
      const ready = await fetch(`${t.url}/health/ready`);
      expect(ready.status).toBe(200);
    } finally {
      await t.db.prisma.$executeRawUnsafe('ALTER TABLE plans_moved RENAME TO plans');
    }
  });
});
