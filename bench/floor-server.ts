// Benchmark child process: the Express floor. The constant subgraph on the stack this service used to
// serve /graphql with (Express 5, @as-integrations/express5, Apollo Server 5). Prints {"port": N}.
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import pino from 'pino';
import { constantBillingSchema } from './floor-schema.ts';

async function main(): Promise<void> {
  const apollo = new ApolloServer({
    schema: constantBillingSchema(),
    logger: pino({ level: 'silent' }),
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginUsageReportingDisabled()],
  });
  await apollo.start();
  const app = express();
  app.use('/graphql', express.json({ limit: 100_000 }), expressMiddleware(apollo));
  const server = app.listen(0, '127.0.0.1', () => {
    console.log(JSON.stringify({ port: (server.address() as AddressInfo).port }));
  });
  process.on('SIGTERM', () => {
    server.close();
    apollo.stop().finally(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
