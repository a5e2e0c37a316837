// Load generation with autocannon: every request asks for `reps` users drawn at random from a
// population, so a server cannot answer from a handful of hot cache entries.
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

export async function load(url: string, token: string, population: Population, reps: number, seconds: number, connections: number): Promise<LoadResult> {
  const result = await autocannon({
    url: `${url}/graphql`,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        setupRequest: (request) => ({ ...request, body: entitiesBody(population, randomIndexes(population, reps)) }),
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
