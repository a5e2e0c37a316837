import { IdempotencyCache, requestFingerprint } from '../src/http/idempotency-cache.ts';
import { startHarness, type Harness } from './emulator-harness.ts';

let harness: Harness;
beforeEach(async () => {
  harness = await startHarness({ bodyLimitBytes: 4096, logCapacity: 5 });
});
afterEach(() => harness.close());

async function call(
  path: string,
  init: { method?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: any }> {
  const response = await fetch(`${harness.emulator.url}${path}`, {
    method: init.method ?? 'POST',
    headers: {
      authorization: `Bearer ${harness.emulator.apiKey}`,
      'content-type': 'application/x-www-form-urlencoded',
      ...init.headers,
    },
    ...(init.body !== undefined ? { body: init.body } : {}),
  });
  return { status: response.status, body: await response.json() };
}

describe('hostile requests', () => {
  it.each([
    '__proto__[email]=evil%40example.com',
    'constructor[prototype][email]=evil%40example.com',
    'metadata[__proto__][x]=1',
    'prototype=1',
  ])('refuses %s and pollutes nothing', async (body) => {
    const answer = await call('/v1/customers', { body });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ type: 'invalid_request_error' });
    expect(({} as Record<string, unknown>)['email']).toBeUndefined();
    expect((await harness.stripe.customers.create({})).email).toBeNull();
  });

  it('answers a body over the limit with 413, without keeping it', async () => {
    const answer = await call('/v1/customers', { body: `description=${'x'.repeat(5000)}` });
    expect(answer.status).toBe(413);
    expect(answer.body.error).toMatchObject({ type: 'invalid_request_error' });
  });

  it('answers a malformed path escape with 404, not 500', async () => {
    const answer = await call('/v1/customers/%E0%A4%A', { method: 'GET' });
    expect(answer.status).toBe(404);
  });

  it('refuses a JSON body as Stripe does', async () => {
    const answer = await call('/v1/customers', {
      body: JSON.stringify({ email: 'a@example.com' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toContain('application/x-www-form-urlencoded');
  });

  it('keeps a bounded request log, read page by page', async () => {
    for (let i = 0; i < 7; i += 1) await harness.stripe.customers.create({ name: `c${i}` });
    const all = (await call('/_emulator/requests', { method: 'GET' })).body;
    expect(all.data.map((entry: { params: { name: string } }) => entry.params.name)).toEqual([
      'c2',
      'c3',
      'c4',
      'c5',
      'c6',
    ]);
    const first = (await call('/_emulator/requests?limit=2', { method: 'GET' })).body;
    expect(first).toMatchObject({ has_more: true, data: [{ params: { name: 'c2' } }, { params: { name: 'c3' } }] });
    const next = (await call(`/_emulator/requests?limit=2&starting_after=${first.data[1].id}`, { method: 'GET' })).body;
    expect(next.data.map((entry: { params: { name: string } }) => entry.params.name)).toEqual(['c4', 'c5']);
  });
});

describe('idempotency keys, as Stripe documents them', () => {
  it('refuses a key over 255 characters and accepts one of 255', async () => {
    expect(
      (await call('/v1/customers', { body: 'name=a', headers: { 'idempotency-key': 'k'.repeat(256) } })).status,
    ).toBe(400);
    expect(
      (await call('/v1/customers', { body: 'name=a', headers: { 'idempotency-key': 'k'.repeat(255) } })).status,
    ).toBe(200);
  });

  it('does not save a request that failed validation', async () => {
    const headers = { 'idempotency-key': 'retry-after-fix' };
    expect((await call('/v1/customers', { body: 'name=a&emial=x', headers })).status).toBe(400);
    const fixed = await call('/v1/customers', { body: 'name=a', headers });
    expect(fixed.status).toBe(200);
    expect(fixed.body.name).toBe('a');
  });

  it('compares parameters by value, not by their order in the body', async () => {
    const headers = { 'idempotency-key': 'same-params' };
    const first = await call('/v1/customers', { body: 'name=a&metadata[x]=1&metadata[y]=2', headers });
    const again = await fetch(`${harness.emulator.url}/v1/customers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${harness.emulator.apiKey}`, ...headers },
      body: 'metadata[y]=2&metadata[x]=1&name=a',
    });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(((await again.json()) as { id: string }).id).toBe(first.body.id);
  });

  it('forgets a key after 24 hours of emulator time, and saves 500s', () => {
    let now = 1_000_000;
    const cache = new IdempotencyCache(() => now);
    const fingerprint = requestFingerprint('POST', '/v1/customers', { name: 'a' });
    cache.remember('k', fingerprint, { status: 500, body: '{}' });
    now += 24 * 3600 - 1;
    expect(cache.replay('k', fingerprint)).toEqual({ status: 500, body: '{}' });
    now += 1;
    expect(cache.replay('k', fingerprint)).toBeUndefined();
  });

  it('keeps at most its capacity of keys, forgetting the oldest', () => {
    const cache = new IdempotencyCache(() => 0, 2);
    for (const key of ['a', 'b', 'c']) cache.remember(key, key, { status: 200, body: key });
    expect([cache.replay('a', 'a'), cache.replay('b', 'b'), cache.replay('c', 'c')]).toEqual([
      undefined,
      { status: 200, body: 'b' },
      { status: 200, body: 'c' },
    ]);
  });
});
