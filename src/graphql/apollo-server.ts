import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import {
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import type { Logger } from 'pino';
import type { GraphQLLimits } from '../config.ts';
import { auditPlugin } from './audit-plugin.ts';
import type { GraphQLContext } from './context.ts';
import { clientError, formatError, isClientFacing, serviceUnavailableHttp, withoutSuggestions } from './errors.ts';
import { metricsPlugin, type RequestObserver } from './metrics-plugin.ts';
import { oneProviderCallPerOperation, providerCalls, type ProviderRateLimiter } from './provider-budget.ts';
import { queryShapeRules, refuseCostlyOperation } from './query-limits.ts';
import { buildBillingSchema } from './schema.ts';

/** The only fields an anonymous caller may select: the gateway reads `_service { sdl }` without a user. */
const ANONYMOUS_FIELDS = new Set(['_service', '__typename']);

function anonymousAllowed(operation: OperationDefinitionNode | undefined): boolean {
  return (
    !!operation &&
    operation.selectionSet.selections.every(
      (selection) => selection.kind === Kind.FIELD && ANONYMOUS_FIELDS.has(selection.name.value),
    )
  );
}

interface GuardOptions {
  schema: GraphQLSchema;
  limits: GraphQLLimits;
  rateLimiter: ProviderRateLimiter;
  anonymousSdl: boolean;
}

/**
 * Per request, in order and before any resolver: the token (anonymous only for `_service` where allowed),
 * the cost, then the viewer's provider budget. Masked errors are logged with the request id, the only place
 * their details go, and a database that cannot be reached turns the answer into a 503.
 */
function requestGuard({ schema, limits, rateLimiter, anonymousSdl }: GuardOptions): ApolloServerPlugin<GraphQLContext> {
  return {
    requestDidStart: async () => ({
      didResolveOperation: async ({ contextValue, operation, document, request }) => {
        if (!contextValue.viewer && !(anonymousSdl && anonymousAllowed(operation))) {
          throw clientError('UNAUTHENTICATED', 'a valid token is required');
        }
        // No operation of that name (or several and none named): Apollo refuses it next, with its typed 400.
        if (!operation) return;
        refuseCostlyOperation(
          { schema, document, operationName: request.operationName, variables: request.variables },
          limits,
        );
        const viewer = contextValue.viewer;
        if (viewer && operation && providerCalls(operation, (name) => fragmentOf(document, name)).length > 0) {
          await rateLimiter.consume(viewer.id);
        }
      },
      didEncounterErrors: async ({ contextValue, errors, response }) => {
        for (const error of errors) {
          if (!isClientFacing(error)) {
            contextValue.logger.error(
              { err: error.originalError ?? error, requestId: contextValue.requestId },
              'request failed',
            );
          }
        }
        const unavailable = serviceUnavailableHttp(errors);
        if (unavailable) {
          response.http.status = unavailable.status;
          for (const [name, value] of unavailable.headers) response.http.headers.set(name, value);
        }
      },
    }),
  };
}

function fragmentOf(document: DocumentNode, name: string): FragmentDefinitionNode | undefined {
  return document.definitions.find(
    (definition): definition is FragmentDefinitionNode =>
      definition.kind === Kind.FRAGMENT_DEFINITION && definition.name.value === name,
  );
}

export interface ApolloServerOptions {
  logger: Logger;
  production: boolean;
  /** Whether `_service { sdl }` answers without a token: outside production, or behind the gateway secret. */
  anonymousSdl: boolean;
  limits: GraphQLLimits;
  rateLimiter: ProviderRateLimiter;
  metrics: RequestObserver;
}

export function createApolloServer({
  logger,
  production,
  anonymousSdl,
  limits,
  rateLimiter,
  metrics,
}: ApolloServerOptions): ApolloServer<GraphQLContext> {
  const schema = buildBillingSchema();
  return new ApolloServer<GraphQLContext>({
    schema,
    logger,
    introspection: !production,
    includeStacktraceInErrorResponses: false,
    // main.ts owns the shutdown order (HTTP, Apollo, jobs, emulator, database); Apollo must not race it.
    stopOnTerminationSignals: false,
    // Production names no field the client did not already know ("Did you mean …?").
    formatError: production ? withoutSuggestions(formatError) : formatError,
    parseOptions: { maxTokens: limits.maxTokens },
    validationRules: [...queryShapeRules(limits), oneProviderCallPerOperation],
    // No landing page (its default loads from a CDN) and no reporting to Apollo's cloud.
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      requestGuard({ schema, limits, rateLimiter, anonymousSdl }),
      auditPlugin,
      metricsPlugin(metrics),
    ],
  });
}
