// The gateway's `_entities(representations:)` takes `_Any`, which GraphQL does not check: this subgraph
// checks every representation before @apollo/subgraph resolves it, so a malformed one is bad input.
import type { GraphQLFieldResolver, GraphQLSchema } from 'graphql';
import { invalidInput } from '../billing/errors.ts';
import { isOwnerId } from '../billing/input-ids.ts';

const ENTITY_TYPES = new Set(['User', 'Group']);

function checkRepresentations(representations: unknown): void {
  if (!Array.isArray(representations)) throw invalidInput('`representations` must be a list', 'representations');
  representations.forEach((representation: unknown, index) => {
    const { __typename, id } = (representation ?? {}) as { __typename?: unknown; id?: unknown };
    if (typeof representation !== 'object' || representation === null || Array.isArray(representation)) {
      throw invalidInput(`representation ${index} must be an object with \`__typename\` and \`id\``, 'representations');
    }
    if (typeof __typename !== 'string' || !ENTITY_TYPES.has(__typename)) {
      throw invalidInput(`representation ${index}: \`__typename\` must be User or Group`, 'representations');
    }
    if (!isOwnerId(id)) throw invalidInput(`representation ${index}: \`id\` is not a valid id`, 'representations');
  });
}

/** Wraps `Query._entities` of a subgraph schema with the representation check. */
export function checkEntityRepresentations(schema: GraphQLSchema): GraphQLSchema {
  const field = schema.getQueryType()?.getFields()._entities;
  if (!field?.resolve) throw new Error('the subgraph schema has no `_entities` resolver to guard');
  const resolve: GraphQLFieldResolver<unknown, unknown> = field.resolve;
  field.resolve = (source, args: { representations?: unknown }, context, info) => {
    checkRepresentations(args.representations);
    return resolve(source, args, context, info);
  };
  return schema;
}
