// What every suite of `npm run bench` shares: the settings, the populations, the seeded database and the
// servers, started once.
import type { Population } from './population.ts';
import type { BenchServer } from './servers.ts';

export interface BenchSettings {
  seconds: number;
  warmupSeconds: number;
  rounds: number;
  connections: number;
}

export interface BenchContext {
  settings: BenchSettings;
  populations: Population[];
  /** The throw-away database, seeded with the populations' customers. */
  databaseUrl: string;
  /** A service token, as the gateway sends. */
  token: string;
  /** What billing's STRIPE_WEBHOOK_SECRET is: the bench signs events with it. */
  webhookSecret: string;
  standalone: BenchServer;
  express: BenchServer;
  billing: BenchServer;
}

export interface BenchState {
  statements: number;
  projection: { complete: boolean } | null;
  memory: NodeJS.MemoryUsage;
}

export async function benchState(billing: BenchServer): Promise<BenchState> {
  return (await fetch(`${billing.url}/__bench/state`)).json() as Promise<BenchState>;
}

export const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);

/** Each server measured `rounds` times, the order rotating from round to round so a drift of the machine's load spreads over all. */
export async function interleaved<S, R>(
  servers: S[],
  rounds: number,
  measure: (server: S) => Promise<R>,
): Promise<Map<S, R[]>> {
  const results = new Map<S, R[]>(servers.map((server) => [server, []]));
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < servers.length; k++) {
      const server = servers[(round + k) % servers.length]!;
      results.get(server)!.push(await measure(server));
    }
  }
  return results;
}
