// Suite `entities`: the hot path, `_entities` for User (`unpaidInvoice billing { plan { name } }`) with 1
// and 100 representations drawn at random from two populations, on the billing subgraph backed by
// PostgreSQL and on two floors (Apollo's standalone server and Express, both answering constants),
// interleaved. Prints the README's table.
import { benchState, interleaved, type BenchContext } from './context.ts';
import { entitiesBody, load, randomIndexes, type LoadResult } from './load.ts';
import type { Population } from './population.ts';
import { sampleRss, type BenchServer } from './servers.ts';

interface Phase extends LoadResult {
  sqlPerRequest: number | null;
}

async function post(
  server: BenchServer,
  token: string,
  body: string,
): Promise<{
  data?: { _entities: { unpaidInvoice: boolean; billing: { plan: { name: string } } }[] };
  errors?: unknown;
}> {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body,
  });
  return response.json() as never;
}

/** Every server must answer 100 random users; the billing subgraph must answer each one's seeded truth. */
async function check(server: BenchServer, billing: BenchServer, token: string, population: Population): Promise<void> {
  const indexes = [0, ...randomIndexes(population, 99)];
  const answer = await post(server, token, entitiesBody(population, indexes));
  const entities = answer.data?._entities;
  if (answer.errors || entities?.length !== indexes.length)
    throw new Error(`${server.name} answered wrongly: ${JSON.stringify(answer).slice(0, 300)}`);
  if (server !== billing) return;
  indexes.forEach((i, n) => {
    const expected = population.expected(i);
    const got = entities[n]!;
    if (got.unpaidInvoice !== expected.unpaidInvoice || got.billing.plan.name !== expected.plan) {
      throw new Error(
        `billing answered ${JSON.stringify(got)} for ${population.prefix}${i}, expected ${JSON.stringify(expected)}`,
      );
    }
  });
}

export async function entitiesSuite({
  settings,
  populations,
  token,
  standalone,
  express,
  billing,
}: BenchContext): Promise<void> {
  const servers = [standalone, express, billing];
  const measure = async (server: BenchServer, population: Population, reps: number): Promise<Phase> => {
    await load(server.url, token, population, reps, settings.warmupSeconds, settings.connections);
    const before = server === billing ? await benchState(billing) : null;
    const result = await load(server.url, token, population, reps, settings.seconds, settings.connections);
    const after = server === billing ? await benchState(billing) : null;
    sampleRss(server);
    if (result.errors > 0) throw new Error(`${server.name}: ${result.errors} failed requests`);
    return {
      ...result,
      sqlPerRequest: before && after ? (after.statements - before.statements) / result.requests : null,
    };
  };

  console.log('\n## `_entities` for User, straight to each subgraph\n');
  console.log(
    '| population | reps | server | req/s | p50 ms | p99 ms | SQL/request | × standalone req/s | p99 ÷ standalone p99 | × Express req/s |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const population of populations) {
    for (const reps of [1, 100]) {
      for (const server of servers) await check(server, billing, token, population);
      const phases = await interleaved(servers, settings.rounds, (server) => measure(server, population, reps));
      const summary = new Map([...phases].map(([server, runs]) => [server, summarize(runs)]));
      const [floor, expressFloor] = [summary.get(standalone)!, summary.get(express)!];
      for (const server of servers) {
        const m = summary.get(server)!;
        const bold = (text: string) => (server === billing ? `**${text}**` : text);
        console.log(
          `| ${population.name} | ${reps} | ${server.name} | ${m.reqPerSec.toFixed(0)} | ${m.p50.toFixed(1)} | ${m.p99.toFixed(1)} | ` +
            `${m.sqlPerRequest === null ? '-' : m.sqlPerRequest.toFixed(3)} | ${bold((m.reqPerSec / floor.reqPerSec).toFixed(2))} | ` +
            `${(m.p99 / floor.p99).toFixed(2)} | ${(m.reqPerSec / expressFloor.reqPerSec).toFixed(2)} |`,
        );
      }
    }
  }
}

/** Means over the rounds. */
export function summarize<P extends LoadResult & { sqlPerRequest?: number | null }>(runs: P[]): P {
  const mean = (pick: (phase: P) => number) => runs.reduce((sum, phase) => sum + pick(phase), 0) / runs.length;
  const requests = runs.reduce((sum, phase) => sum + phase.requests, 0);
  const sql = runs.every((phase) => typeof phase.sqlPerRequest === 'number')
    ? mean((phase) => phase.sqlPerRequest!)
    : null;
  return {
    ...runs[0]!,
    requests,
    reqPerSec: mean((phase) => phase.reqPerSec),
    p50: mean((phase) => phase.p50),
    p99: mean((phase) => phase.p99),
    errors: 0,
    sqlPerRequest: sql,
  };
}
