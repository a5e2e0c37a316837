import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled, ApolloServerPluginUsageReportingDisabled } from '@apollo/server/plugin/disabled';
import { Kind, type OperationDefinitionNode } from 'graphql';
import type { Logger } from 'pino';
import { auditPlugin } from './audit-plugin.ts';
import type { GraphQLContext } from './context.ts';
import { clientError, formatError, isClientFacing } from './errors.ts';
import { metricsPlugin, type RequestObserver } from './metrics-plugin.ts';
import { buildBillingSchema } from './schema.ts';

/** The only fields an anonymous caller may select: the gateway reads `_service { sdl }` without a user. */
const ANONYMOUS_FIELDS = new Set(['_service', '__typename']);

function anonymousAllowed(operation: OperationDefinitionNode | undefined): boolean {
  return !!operation && operation.selectionSet.selections.every(
    (selection) => selection.kind === Kind.FIELD && ANONYMOUS_FIELDS.has(selection.name.value),
  );
}

/**
 * Per request: refuses an operation without a token (but `_service`), and logs masked errors with the
 * request id, the only place their details go.
 */
const requestGuard: ApolloServerPlugin<GraphQLContext> = {
  requestDidStart: async () => ({
    didResolveOperation: async ({ contextValue, operation }) => {
      if (!contextValue.viewer && !anonymousAllowed(operation)) {
        throw clientError('UNAUTHENTICATED', 'a valid token is required');
      }
    },
    didEncounterErrors: async ({ contextValue, errors }) => {
      for (const error of errors) {
        if (!isClientFacing(error)) {
          contextValue.logger.error({ err: error.originalError ?? error, requestId: contextValue.requestId }, 'request failed');
        }
      }
    },
  }),
};

export interface ApolloServerOptions {
  logger: Logger;
  introspection: boolean;
  metrics: RequestObserver;
}

export function createApolloServer({ logger, introspection, metrics }: ApolloServerOptions): ApolloServer<GraphQLContext> {
  return new ApolloServer<GraphQLContext>({
    schema: buildBillingSchema(),
    logger,
    introspection,
    includeStacktraceInErrorResponses: false,
    // main.ts owns the shutdown order (HTTP, Apollo, jobs, emulator, database); Apollo must not race it.
    stopOnTerminationSignals: false,
    formatError,
    // No landing page (its default loads from a CDN) and no reporting to Apollo's cloud.
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      requestGuard,
      auditPlugin,
      metricsPlugin(metrics),
    ],
  });
}
