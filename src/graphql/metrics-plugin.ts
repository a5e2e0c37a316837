import type { ApolloServerPlugin } from '@apollo/server';
import { Kind } from 'graphql';
import type { GraphQLContext } from './context.ts';

export interface RequestObserver {
  observeRequest(operation: string, seconds: number, failed: boolean): void;
}

/**
 * Times every GraphQL request and counts it by operation: the client's operation name, else its first
 * root field (the gateway's entity fetches are `_entities`). A response carrying any error counts as one.
 */
export function metricsPlugin(observer: RequestObserver): ApolloServerPlugin<GraphQLContext> {
  return {
    requestDidStart: async () => {
      const started = performance.now();
      return {
        willSendResponse: async ({ operationName, operation, errors, response }) => {
          const root = operation?.selectionSet.selections[0];
          const name = operationName ?? (root?.kind === Kind.FIELD ? root.name.value : 'unknown');
          const failed =
            !!errors?.length || (response.body.kind === 'single' && !!response.body.singleResult.errors?.length);
          observer.observeRequest(name, (performance.now() - started) / 1000, failed);
        },
      };
    },
  };
}
