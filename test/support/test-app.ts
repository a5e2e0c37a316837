// Runs the real app (createApp) on a loopback port against a test database, and talks to it over
// HTTP with real signed tokens, as the gateway does.
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createApp, type BillingApp } from '../../src/app';
import { signDevToken, type DevTokenClaims } from '../../src/auth/dev-token';
import { DEV_AUTH_SECRET, loadConfig, type Config } from '../../src/config';
import { openTestDatabase, type DatabaseKind, type TestDatabase } from './test-database';

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export interface TestApp {
  url: string;
  app: BillingApp;
  db: TestDatabase;
  config: Config;
  /** SQL statements sent since the last `resetQueries()`. */
  queries: string[];
  resetQueries(): void;
  token(claims: DevTokenClaims): Promise<string>;
  graphql<T = Record<string, unknown>>(query: string, options?: { token?: string; variables?: Record<string, unknown> }): Promise<GraphQLResponse<T>>;
  close(): Promise<void>;
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', JOB_POLLING_INTERVAL_SECONDS: '0.5', ...overrides });
}

export async function startTestApp(kind: DatabaseKind, overrides: Record<string, string> = {}): Promise<TestApp> {
  const queries: string[] = [];
  const db = await openTestDatabase(kind, { onQuery: (sql) => queries.push(sql) });
  const config = testConfig(overrides);
  const app = await createApp(config, { database: db, logger: pino({ level: 'silent' }) });
  const server = app.http.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  app.listening(url);
  return {
    url,
    app,
    db,
    config,
    queries,
    resetQueries: () => queries.splice(0),
    token: (claims) => signDevToken(DEV_AUTH_SECRET, claims),
    graphql: async (query, { token, variables } = {}) => {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, ...((await response.json()) as object) };
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await app.close();
      await db.close();
    },
  };
}
