// The bench's users subgraph: it owns `me`, billing owns what a User owes.
import { parse } from 'graphql';

export const USERS_SDL = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.11", import: ["@key"])
  type Query { me: User }
  type User @key(fields: "id") { id: ID! }
`);
