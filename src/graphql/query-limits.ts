// What one GraphQL request may ask for. The shape (depth, aliases, directives) is checked by graphql-armor's
// validation rules, once per document; the cost needs the variables (`first: $n`, the gateway's
// `representations`), so it is computed per request by graphql-query-complexity, before any resolver runs.
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import {
  getNullableType,
  GraphQLError,
  isListType,
  isObjectType,
  type DocumentNode,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import type { GraphQLLimits } from '../config.ts';

/** Apollo's own code for a refused document: the client sent a query it must not send again as it is. */
const REFUSED = 'GRAPHQL_VALIDATION_FAILED';

/** armor's rules report through the validation context (Apollo answers 400), without their "Syntax Error" prefix. */
const reportToContext: Pick<NonNullable<Parameters<typeof maxDepthRule>[0]>, 'propagateOnRejection' | 'onReject'> = {
  propagateOnRejection: false,
  onReject: [(context, error) => context?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, '')))],
};

export function queryShapeRules(limits: GraphQLLimits): ValidationRule[] {
  return [
    // Fragments are flattened: `... on User` does not deepen the answer, nested fields do.
    maxDepthRule({
      n: limits.maxDepth,
      flattenFragments: true,
      ignoreIntrospection: true,
      exposeLimits: true,
      ...reportToContext,
    }),
    maxAliasesRule({ n: limits.maxAliases, exposeLimits: true, ...reportToContext }),
    maxDirectivesRule({ n: limits.maxDirectives, exposeLimits: true, ...reportToContext }),
  ];
}

/**
 * Every field costs 1 plus its selection; a list multiplies its selection by its length: `first` where the
 * field takes it (invoices), the number of representations for `_entities`, else the assumed list size. The
 * lists of a connection (`edges`) are already counted by the connection's `first`.
 */
function listCostEstimator(assumedListSize: number): ComplexityEstimator {
  return ({ type, field, args, childComplexity }) => {
    if (typeof args.first === 'number') return 1 + Math.max(args.first, 0) * childComplexity;
    if (Array.isArray(args.representations)) return 1 + args.representations.length * childComplexity;
    const isList = isListType(getNullableType(field.type));
    const insideConnection = isObjectType(type) && type.name.endsWith('Connection');
    const length = isList && !insideConnection ? assumedListSize : 1;
    return 1 + length * childComplexity;
  };
}

export interface OperationToCost {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null;
  variables?: Record<string, unknown>;
}

/**
 * Selections the cost analysis visits, fragments expanded, before it gives up: a document whose fragments
 * expand exponentially is refused after this many steps instead of being walked whole. The profile page
 * has about 60; `_entities` counts its selection once, whatever the number of representations.
 */
const MAX_COSTED_SELECTIONS = 2000;

/**
 * Costs already computed, per parsed document (Apollo keeps one DocumentNode per query text) and per what of
 * the variables can change a cost: list lengths (`representations`), numbers (`first`), booleans (`@include`).
 * The gateway's hot path sends the same few documents again and again: they are costed once.
 */
const knownCosts = new WeakMap<DocumentNode, Map<string, number>>();
const COSTS_KEPT_PER_DOCUMENT = 100;

function costKey(operationName: string | null | undefined, variables: Record<string, unknown> | undefined): string {
  const relevant = Object.entries(variables ?? {}).map(([name, value]) => [
    name,
    Array.isArray(value)
      ? { length: value.length }
      : typeof value === 'number' || typeof value === 'boolean'
        ? value
        : typeof value,
  ]);
  return JSON.stringify([operationName ?? null, relevant]);
}

/** The cost, or null when the variables do not fit their types (execution refuses them, before any resolver). */
function computeCost(
  { schema, document, operationName, variables }: OperationToCost,
  limits: GraphQLLimits,
): number | null {
  try {
    return getComplexity({
      schema,
      query: document,
      variables: variables ?? {},
      ...(operationName && { operationName }),
      estimators: [listCostEstimator(limits.assumedListSize)],
      maxQueryNodes: MAX_COSTED_SELECTIONS,
    });
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    if (error.message.includes('maximum allowed number of nodes')) {
      throw new GraphQLError(
        `The query is too large to run: its fragments expand to more than ${MAX_COSTED_SELECTIONS} selections.`,
        {
          extensions: { code: REFUSED, http: { status: 400 } },
        },
      );
    }
    return null;
  }
}

/** The operation's cost, or a typed error when it is over the limit. */
export function refuseCostlyOperation(operation: OperationToCost, limits: GraphQLLimits): number {
  const costs = knownCosts.get(operation.document) ?? new Map<string, number>();
  const key = costKey(operation.operationName, operation.variables);
  let cost = costs.get(key);
  if (cost === undefined) {
    const computed = computeCost(operation, limits);
    if (computed === null) return 0;
    cost = computed;
    if (costs.size >= COSTS_KEPT_PER_DOCUMENT) costs.clear();
    costs.set(key, cost);
    knownCosts.set(operation.document, costs);
  }
  if (cost > limits.maxCost) {
    throw new GraphQLError(
      `The query costs ${cost}, more than the limit of ${limits.maxCost}: ask for fewer items (\`first\`) or fewer fields.`,
      {
        extensions: { code: REFUSED, cost, maxCost: limits.maxCost, http: { status: 400 } },
      },
    );
  }
  return cost;
}
