import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, type GraphQLSchema } from 'graphql';
import { prismaDir } from '../db/migration-runner.ts';
import { checkEntityRepresentations } from './entity-representations.ts';
import { resolvers } from './resolvers/index.ts';

/** The resolver map buildSubgraphSchema takes (2.14 does not export its type by name). */
type SubgraphResolvers = Extract<Parameters<typeof buildSubgraphSchema>[0], { resolvers?: unknown }>['resolvers'];

export const schemaPath = path.join(path.dirname(prismaDir), 'schema.graphql');

export function buildBillingSchema(): GraphQLSchema {
  return checkEntityRepresentations(
    buildSubgraphSchema([
      // The generated resolver types are stricter than Apollo's map; they were checked where declared.
      { typeDefs: parse(readFileSync(schemaPath, 'utf8')), resolvers: resolvers as SubgraphResolvers },
    ]),
  );
}
