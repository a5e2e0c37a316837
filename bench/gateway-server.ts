// Benchmark child process: @apollo/gateway over the bench's users subgraph (BENCH_USERS_URL) and a billing
// subgraph (BENCH_BILLING_URL: the real one or the constant floor), composed here with
// @apollo/composition from the two SDLs: no introspection, no uplink, no telemetry (the parent sets
// APOLLO_TELEMETRY_DISABLED). Forwards the viewer (`x-user-id`) to users and a service token
// (BENCH_SERVICE_TOKEN) to billing, as a router would. Prints {"port": N} when listening.
import { readFileSync } from 'node:fs';
import { composeServices } from '@apollo/composition';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginUsageReportingDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { parse } from 'graphql';
import pino from 'pino';
import { schemaPath } from '../src/graphql/schema.ts';
import { USERS_SDL } from './users-sdl.ts';
import { announce, runChild } from './child.ts';

interface Context {
  userId: string;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

async function main(): Promise<void> {
  const usersUrl = `${required('BENCH_USERS_URL')}/`;
  const billingUrl = `${required('BENCH_BILLING_URL')}/graphql`;
  const token = required('BENCH_SERVICE_TOKEN');
  const composed = composeServices([
    { name: 'users', url: usersUrl, typeDefs: USERS_SDL },
    { name: 'billing', url: billingUrl, typeDefs: parse(readFileSync(schemaPath, 'utf8')) },
  ]);
  if (composed.errors)
    throw new Error(`composition failed: ${composed.errors.map((error) => error.message).join('; ')}`);
  const gateway = new ApolloGateway({
    supergraphSdl: composed.supergraphSdl,
    buildService: ({ url }) =>
      new RemoteGraphQLDataSource<Context>({
        url,
        // Node's fetch (undici) heeds the subgraph's keep-alive timeout; the default fetcher reuses
        // sockets the subgraph already closed ("socket hang up") after an idle pause.
        fetcher: fetch,
        willSendRequest: ({ request, context }) => {
          if (url === usersUrl) request.http?.headers.set('x-user-id', context.userId);
          else request.http?.headers.set('authorization', `Bearer ${token}`);
        },
      }),
  });
  const apollo = new ApolloServer<Context>({
    gateway,
    logger: pino({ level: 'silent' }),
    plugins: [ApolloServerPluginUsageReportingDisabled()],
  });
  const { url } = await startStandaloneServer(apollo, {
    listen: { port: 0, host: '127.0.0.1' },
    context: async ({ req }) => ({ userId: String(req.headers['x-user-id'] ?? '') }),
  });
  announce(Number(new URL(url).port), () => apollo.stop());
}

runChild(main);
