// Benchmark child process: the standalone floor. The constant subgraph served by Apollo Server's own
// `startStandaloneServer` (Node's http server), run with NODE_ENV=production: Apollo's fastest setup.
// Prints {"port": N} when listening.
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginUsageReportingDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import pino from 'pino';
import { constantBillingSchema } from './floor-schema.ts';
import { announce, runChild } from './child.ts';

async function main(): Promise<void> {
  const apollo = new ApolloServer({
    schema: constantBillingSchema(),
    logger: pino({ level: 'silent' }),
    plugins: [ApolloServerPluginUsageReportingDisabled()],
  });
  const { url } = await startStandaloneServer(apollo, { listen: { port: 0, host: '127.0.0.1' } });
  announce(Number(new URL(url).port), () => apollo.stop());
}

runChild(main);
