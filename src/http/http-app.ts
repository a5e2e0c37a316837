import type { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type ErrorRequestHandler, type Router } from 'express';
import type { Logger } from 'pino';
import type { Database } from '../db/database.ts';
import type { GraphQLContext } from '../graphql/context.ts';
import type { createContextFactory } from '../graphql/context-factory.ts';
import { requireGatewaySecret } from './gateway-secret.ts';
import { healthRoutes } from './health-routes.ts';
import { requestContext } from './request-context.ts';

export interface HttpAppDependencies {
  apollo: ApolloServer<GraphQLContext>;
  context: ReturnType<typeof createContextFactory>;
  database: Database;
  logger: Logger;
  bodyLimitBytes: number;
  /** When set, `/graphql` answers only requests carrying it in `x-gateway-secret`. */
  gatewaySecret: string | null;
  /** Routes outside GraphQL, with their own body handling and checks (webhooks, signed PDF links). */
  routes: Router[];
}

export function createHttpApp({ apollo, context, database, logger, bodyLimitBytes, gatewaySecret, routes }: HttpAppDependencies): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(requestContext(logger));
  // GraphQL first: the hot path matches at once, without walking the other routers.
  const fromGateway = gatewaySecret === null ? [] : [requireGatewaySecret(gatewaySecret)];
  app.use('/graphql', ...fromGateway, express.json({ limit: bodyLimitBytes }), expressMiddleware(apollo, { context }));
  app.use(healthRoutes(database, logger));
  for (const route of routes) app.use(route);
  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  app.use(httpErrors(logger));
  return app;
}

/** Malformed or oversized bodies get their 4xx; anything else a masked 500. Never a stack trace. */
function httpErrors(logger: Logger): ErrorRequestHandler {
  return (error: { status?: number; type?: string }, _req, res, _next) => {
    const status = typeof error.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) logger.error({ err: error, requestId: res.locals.requestId }, 'unhandled HTTP error');
    const code = status === 413 ? 'PAYLOAD_TOO_LARGE' : status === 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST';
    const message = status === 413 ? 'request body too large' : status === 500 ? 'Internal server error' : 'malformed request';
    res.status(status).json({ errors: [{ message, extensions: { code } }] });
  };
}
