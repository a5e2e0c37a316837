import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type ErrorRequestHandler, type Router } from 'express';
import type { Logger } from 'pino';
import type { Database } from '../db/database.ts';
import type { GraphQLContext } from '../graphql/context.ts';
import type { ContextFactory } from '../graphql/context-factory.ts';
import { graphqlRoute } from './graphql-route.ts';
import { gatewaySecretGuard } from './gateway-secret.ts';
import { healthRoutes } from './health-routes.ts';
import type { PlaygroundHandler } from './playground-route.ts';
import { sendHttpError } from './http-errors.ts';
import { startRequest } from './request-context.ts';

export interface HttpAppDependencies {
  apollo: ApolloServer<GraphQLContext>;
  context: ContextFactory;
  database: Database;
  logger: Logger;
  bodyLimitBytes: number;
  /** When set, `/graphql` answers only requests carrying it in `x-gateway-secret`. */
  gatewaySecret: string | null;
  /** Routes outside GraphQL, with their own body handling and checks (webhooks, signed PDF links). */
  routes: Router[];
  /** The admin playground, when enabled: answers browsers' GETs of `/admin` and `/graphql`. */
  playground?: PlaygroundHandler | null;
}

const REQUEST_ID = Symbol('requestId');
type TaggedRequest = IncomingMessage & { [REQUEST_ID]?: string };

/**
 * One request listener: `POST /graphql`, the hot path, goes straight to Apollo on Node's http server;
 * everything else (GET /graphql, health, webhooks, PDFs) through Express.
 */
export function createHttpApp({
  apollo,
  context,
  database,
  logger,
  bodyLimitBytes,
  gatewaySecret,
  routes,
  playground,
}: HttpAppDependencies): RequestListener {
  const graphql = graphqlRoute({ apollo, context, bodyLimitBytes });
  const fromGateway = gatewaySecret === null ? () => true : gatewaySecretGuard(gatewaySecret);
  const app = express();
  app.disable('x-powered-by');
  app.use((req, res, next) => {
    res.locals.requestId = (req as TaggedRequest)[REQUEST_ID];
    next();
  });
  // GETs only: a POST to /graphql never reaches Express.
  if (playground)
    app.get(['/graphql', '/admin', '/admin/assets/:file'], (req, res, next) =>
      playground(req, res) ? undefined : next(),
    );
  app.use(
    '/graphql',
    (req, res, next) => (fromGateway(req, res) ? next() : undefined),
    express.json({ limit: bodyLimitBytes }),
    expressMiddleware(apollo, {
      context: ({ req, res }) => context({ headers: req.headers, requestId: String(res.locals.requestId) }),
    }),
  );
  app.use(healthRoutes(database, logger));
  for (const route of routes) app.use(route);
  app.use((_req, res) => sendHttpError(res, 404));
  app.use(httpErrors(logger));

  return (req: TaggedRequest, res: ServerResponse) => {
    const requestId = startRequest(req, res, logger);
    if (req.method === 'POST' && isGraphQLPath(req.url)) {
      if (!fromGateway(req, res)) return;
      graphql(req, res, requestId).catch((error: unknown) => {
        logger.error({ err: error, requestId }, 'unhandled HTTP error');
        if (!res.headersSent) sendHttpError(res, 500);
        else res.destroy();
      });
      return;
    }
    req[REQUEST_ID] = requestId;
    app(req, res);
  };
}

function isGraphQLPath(url: string | undefined): boolean {
  return url === '/graphql' || (url !== undefined && url.startsWith('/graphql?'));
}

/** Malformed or oversized bodies get their 4xx; anything else a masked 500. Never a stack trace. */
function httpErrors(logger: Logger): ErrorRequestHandler {
  return (error: { status?: number; type?: string }, _req, res, _next) => {
    const status = typeof error.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) logger.error({ err: error, requestId: res.locals.requestId }, 'unhandled HTTP error');
    sendHttpError(res, status);
  };
}
