// Benchmark child process: the framework's floor. The same subgraph schema on the same stack
// (Express 5, Apollo Server 5, @apollo/subgraph), answering constants: no token, no database.
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled, ApolloServerPluginUsageReportingDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { parse } from 'graphql';
import pino from 'pino';
import { schemaPath } from '../src/graphql/schema.ts';

const FREE_PLAN = { id: 'free', name: 'Free', driveStorageBytes: 100_000_000n, parallelDownloads: 4 };

const owner = {
  __resolveReference: ({ id }: { id: string }) => ({ id }),
  billing: ({ id }: { id: string }) => ({ id }),
  unpaidInvoice: () => false,
};

async function main(): Promise<void> {
  const apollo = new ApolloServer({
    schema: buildSubgraphSchema([
      {
        typeDefs: parse(readFileSync(schemaPath, 'utf8')),
        resolvers: { User: owner, Group: owner, Customer: { plan: () => FREE_PLAN } } as never,
      },
    ]),
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
