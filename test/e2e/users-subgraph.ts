// A small users/groups subgraph written for the federation test: it owns `User` and `Group` and
// answers `me` from the same gateway token the billing subgraph verifies.
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { decodeJwt } from 'jose';
import pino from 'pino';

export const usersTypeDefs = parse(/* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.11", import: ["@key"])
  type Query {
    me: User
    user(id: ID!): User
    group(id: ID!): Group
  }
  type User @key(fields: "id") {
    id: ID!
    name: String!
  }
  type Group @key(fields: "id") {
    id: ID!
    name: String!
  }
`);

interface UsersContext {
  userId: string | null;
}

const resolvers = {
  Query: {
    me: (_: unknown, __: unknown, { userId }: UsersContext) => (userId ? { id: userId } : null),
    user: (_: unknown, { id }: { id: string }) => ({ id }),
    group: (_: unknown, { id }: { id: string }) => ({ id }),
  },
  User: { name: ({ id }: { id: string }) => `User ${id}` },
  Group: { name: ({ id }: { id: string }) => `Group ${id}` },
};

export async function startUsersSubgraph(): Promise<{ url: string; stop: () => Promise<void> }> {
  const server = new ApolloServer<UsersContext>({
    schema: buildSubgraphSchema([{ typeDefs: usersTypeDefs, resolvers }]),
    logger: pino({ level: 'silent' }),
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginUsageReportingDisabled()],
  });
  const { url } = await startStandaloneServer(server, {
    listen: { port: 0, host: '127.0.0.1' },
    // Signature checking is the billing subgraph's subject; this stand-in only reads the subject.
    context: async ({ req }) => {
      const token = req.headers.authorization?.replace(/^Bearer /, '');
      return { userId: token ? (decodeJwt(token).sub ?? null) : null };
    },
  });
  return { url, stop: () => server.stop() };
}
