import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, validate } from 'graphql';
import { buildBillingSchema } from '../../src/graphql/schema';
import { PLAYGROUND_OPERATIONS_DIR } from '../../src/http/playground-route';
import { startTestApp, type TestApp } from '../support/test-app';

describe('the admin playground route', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('pglite');
  });
  afterAll(() => t.close());

  it('serves GraphiQL to a browser opening /graphql or /admin, with a same-origin-only policy', async () => {
    for (const pathname of ['/graphql', '/admin']) {
      const res = await fetch(`${t.url}${pathname}`, {
        headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('content-security-policy')).toMatch(
        /default-src 'none'; script-src 'self';.*connect-src 'self'/,
      );
      const html = await res.text();
      expect(html).toContain('<script src="/admin/assets/graphiql.js"></script>');
      expect(html).not.toMatch(/https?:\/\//);
    }
  });

  it('opens with every example operation as a tab, with the token placeholder in its headers', async () => {
    const html = await (await fetch(`${t.url}/admin`)).text();
    const config = JSON.parse(
      /<script id="playground-config" type="application\/json">(.*?)<\/script>/s.exec(html)![1]!,
    );
    const files = readdirSync(PLAYGROUND_OPERATIONS_DIR)
      .filter((f) => f.endsWith('.graphql'))
      .sort();
    expect(config.endpoint).toBe('/graphql');
    expect(config.tabs.map((tab: { query: string }) => tab.query)).toEqual(
      files.map((f) => readFileSync(path.join(PLAYGROUND_OPERATIONS_DIR, f), 'utf8')),
    );
    expect(JSON.parse(config.tabs[0].headers)).toEqual({
      Authorization: expect.stringMatching(/^Bearer <an admin token/),
    });
  });

  it('keeps its example operations valid against the schema', () => {
    const schema = buildBillingSchema();
    for (const file of readdirSync(PLAYGROUND_OPERATIONS_DIR).filter((f) => f.endsWith('.graphql'))) {
      const errors = validate(schema, parse(readFileSync(path.join(PLAYGROUND_OPERATIONS_DIR, file), 'utf8')));
      expect({ file, errors: errors.map((e) => e.message) }).toEqual({ file, errors: [] });
    }
  });

  it('serves the bundle with its types and revalidates it by ETag', async () => {
    const js = await fetch(`${t.url}/admin/assets/graphiql.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await js.text()).length).toBeGreaterThan(100_000);
    const again = await fetch(`${t.url}/admin/assets/graphiql.js`, {
      headers: { 'if-none-match': js.headers.get('etag')! },
    });
    expect(again.status).toBe(304);
    const css = await fetch(`${t.url}/admin/assets/graphiql.css`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await fetch(`${t.url}/admin/assets/other.js`)).status).toBe(404);
  });

  it('leaves API clients to GraphQL: a JSON GET and every POST', async () => {
    const get = await fetch(`${t.url}/graphql?query=%7B__typename%7D`, {
      headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
    });
    expect(get.headers.get('content-type')).toMatch(/application\/(graphql-response\+)?json/);
    const post = await t.graphql('{ plans { name } }', { token: await t.token({ sub: 'ada' }) });
    expect(post.data).toEqual({ plans: expect.arrayContaining([{ name: 'Ultra' }]) });
  });
});

describe('the admin playground switched off', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('pglite', { ADMIN_PLAYGROUND: 'false' });
  });
  afterAll(() => t.close());

  it('is not served at all', async () => {
    expect((await fetch(`${t.url}/admin`, { headers: { accept: 'text/html' } })).status).toBe(404);
    expect((await fetch(`${t.url}/admin/assets/graphiql.js`)).status).toBe(404);
    const res = await fetch(`${t.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(res.headers.get('content-type')).not.toMatch(/text\/html/);
  });
});
