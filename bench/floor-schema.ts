// The floor's subgraph: this subgraph's SDL with constant resolvers (no token, no database). What no
// implementation of the same schema on the same GraphQL stack can beat.
import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, type GraphQLSchema } from 'graphql';
import { schemaPath } from '../src/graphql/schema.ts';

const FREE_PLAN = { id: 'free', name: 'Free', driveStorageBytes: 100_000_000n, parallelDownloads: 4 };

const owner = {
  __resolveReference: ({ id }: { id: string }) => ({ id }),
  billing: ({ id }: { id: string }) => ({ id }),
  unpaidInvoice: () => false,
};

export function constantBillingSchema(): GraphQLSchema {
  return buildSubgraphSchema([
    {
      typeDefs: parse(readFileSync(schemaPath, 'utf8')),
      resolvers: { User: owner, Group: owner, Customer: { plan: () => FREE_PLAN } } as never,
    },
  ]);
}
