// Load generation with autocannon: every request asks for users drawn at random from a population, so a
// server cannot answer from a handful of hot cache entries.
import autocannon from 'autocannon';
import type { Population } from './population.ts';

export const ENTITIES_QUERY =
  'query($representations: [_Any!]!) { _entities(representations: $representations) { ... on User { unpaidInvoice billing { plan { name } } } } }';

const BODY_START = `{"query":${JSON.stringify(ENTITIES_QUERY)},"variables":{"representations":[`;

export function randomIndexes(population: Population, count: number): number[] {
  return Array.from({ length: count }, () => Math.floor(Math.random() * population.size));
}

export function entitiesBody(population: Population, indexes: number[]): string {
  return `${BODY_START}${indexes.map((i) => `{"__typename":"User","id":"${population.prefix}${i}"}`).join(',')}]}}`;
}

export interface LoadResult {
  requests: number;
  reqPerSec: number;
  p50: number;
  p99: number;
  errors: number;
}

export interface LoadOptions {
  url: string;
  seconds: number;
  connections: number;
  headers: Record<string, string>;
  /** Each request's body and extra headers, made as it is sent. */
  next: () => { body: string; headers?: Record<string, string> };
  /** Requests per second offered in all, rather than as fast as the server answers. */
  overallRate?: number;
}

/** POSTs for `seconds`; a request that fails or does not answer 2xx counts as an error. */
export async function drive({
  url,
  seconds,
  connections,
  headers,
  next,
  overallRate,
}: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    ...(overallRate ? { overallRate } : {}),
    requests: [
      {
        method: 'POST',
        headers,
        setupRequest: (request) => {
          const made = next();
          return { ...request, body: made.body, headers: { ...request.headers, ...made.headers } };
        },
      },
    ],
  });
  return {
    requests: result.requests.total,
    reqPerSec: result.requests.total / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

export function load(
  url: string,
  token: string,
  population: Population,
  reps: number,
  seconds: number,
  connections: number,
): Promise<LoadResult> {
  return drive({
    url: `${url}/graphql`,
    seconds,
    connections,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    next: () => ({ body: entitiesBody(population, randomIndexes(population, reps)) }),
  });
}
