// Benchmark child process: the smallest users subgraph a gateway needs to ask billing about the viewer.
// `me` is the user the gateway names in `x-user-id` (as a gateway forwards the authenticated user), as
// a User reference billing resolves. Prints {"port": N} when listening.
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginUsageReportingDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import pino from 'pino';
import { USERS_SDL } from './users-sdl.ts';
import { announce, runChild } from './child.ts';

interface Context {
  userId: string | null;
}

async function main(): Promise<void> {
  const apollo = new ApolloServer<Context>({
    schema: buildSubgraphSchema([
      {
        typeDefs: USERS_SDL,
        resolvers: {
          Query: { me: (_: unknown, __: unknown, { userId }: Context) => (userId ? { id: userId } : null) },
        },
      },
    ]),
    logger: pino({ level: 'silent' }),
    plugins: [ApolloServerPluginUsageReportingDisabled()],
  });
  const { url } = await startStandaloneServer(apollo, {
    listen: { port: 0, host: '127.0.0.1' },
    context: async ({ req }) => ({
      userId: typeof req.headers['x-user-id'] === 'string' ? req.headers['x-user-id'] : null,
    }),
  });
  announce(Number(new URL(url).port), () => apollo.stop());
}

runChild(main);
