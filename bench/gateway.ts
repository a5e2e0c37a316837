// Suite `gateway`: `{ me { unpaidInvoice } }` end to end through @apollo/gateway: a users subgraph resolves
// `me` to a User reference, billing resolves what it owes. Two gateways, identical but for the billing
// subgraph behind them (the real one on PostgreSQL, the standalone constant floor), interleaved; the viewer
// is drawn at random from each population.
import { interleaved, type BenchContext } from './context.ts';
import { drive, randomIndexes, type LoadResult } from './load.ts';
import type { Population } from './population.ts';
import { sampleRss, startServer, stopServer, type BenchServer } from './servers.ts';
import { summarize } from './entities.ts';

const ME_QUERY = JSON.stringify({ query: '{ me { unpaidInvoice } }' });

async function askMe(
  gateway: BenchServer,
  userId: string,
): Promise<{ data?: { me: { unpaidInvoice: boolean } | null }; errors?: unknown }> {
  const response = await fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-user-id': userId },
    body: ME_QUERY,
  });
  return response.json() as never;
}

/** Both gateways must answer; the one before billing must answer each viewer's seeded truth. */
async function check(gateway: BenchServer, truthful: boolean, population: Population): Promise<void> {
  for (const i of [0, ...randomIndexes(population, 19)]) {
    const answer = await askMe(gateway, `${population.prefix}${i}`);
    if (answer.errors || !answer.data?.me)
      throw new Error(`${gateway.name} answered wrongly: ${JSON.stringify(answer).slice(0, 300)}`);
    if (truthful && answer.data.me.unpaidInvoice !== population.expected(i).unpaidInvoice) {
      throw new Error(`${gateway.name} answered ${JSON.stringify(answer.data)} for ${population.prefix}${i}`);
    }
  }
}

export async function gatewaySuite({ settings, populations, token, standalone, billing }: BenchContext): Promise<void> {
  const started: BenchServer[] = [];
  try {
    const production = { NODE_ENV: 'production' };
    const users = await startServer('users subgraph', 'users-subgraph-server.ts', production);
    started.push(users);
    const gateway = (name: string, billingUrl: string) =>
      startServer(name, 'gateway-server.ts', {
        ...production,
        BENCH_USERS_URL: users.url,
        BENCH_BILLING_URL: billingUrl,
        BENCH_SERVICE_TOKEN: token,
      });
    const toFloor = await gateway('gateway → standalone floor', standalone.url);
    started.push(toFloor);
    const toBilling = await gateway('gateway → billing', billing.url);
    started.push(toBilling);
    const gateways = [toFloor, toBilling];

    const measure = async (target: BenchServer, population: Population): Promise<LoadResult> => {
      const options = {
        url: target.url,
        connections: settings.connections,
        headers: { 'content-type': 'application/json' },
      };
      const next = () => ({
        body: ME_QUERY,
        headers: { 'x-user-id': `${population.prefix}${Math.floor(Math.random() * population.size)}` },
      });
      await drive({ ...options, seconds: settings.warmupSeconds, next });
      const result = await drive({ ...options, seconds: settings.seconds, next });
      sampleRss(target);
      if (result.errors > 0) throw new Error(`${target.name}: ${result.errors} failed requests`);
      return result;
    };

    console.log('\n## `{ me { unpaidInvoice } }` through @apollo/gateway (users subgraph + billing subgraph)\n');
    console.log(
      '| population | billing subgraph behind the gateway | req/s | p50 ms | p99 ms | × floor req/s | p99 ÷ floor p99 |',
    );
    console.log('|---|---|---|---|---|---|---|');
    for (const population of populations) {
      await check(toFloor, false, population);
      await check(toBilling, true, population);
      const runs = await interleaved(gateways, settings.rounds, (target) => measure(target, population));
      const [floor, real] = gateways.map((target) => summarize(runs.get(target)!));
      for (const [name, m] of [
        ['standalone floor (constants)', floor!],
        ['billing', real!],
      ] as const) {
        const bold = (text: string) => (m === real ? `**${text}**` : text);
        console.log(
          `| ${population.name} | ${name} | ${m.reqPerSec.toFixed(0)} | ${m.p50.toFixed(1)} | ${m.p99.toFixed(1)} | ${bold((m.reqPerSec / floor!.reqPerSec).toFixed(2))} | ${(m.p99 / floor!.p99).toFixed(2)} |`,
        );
      }
    }
  } finally {
    for (const server of started.reverse()) await stopServer(server);
  }
}
