import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from 'pino';
import type { TokenVerifier } from '../auth/token-verifier.ts';
import type { Viewer } from '../auth/viewer.ts';
import type { BillingServices, GraphQLContext } from './context.ts';
import { clientError } from './errors.ts';
import { createLoaders, type LoaderSources } from './loaders.ts';

export interface ContextDependencies {
  verifyToken: TokenVerifier;
  sources: LoaderSources;
  services: BillingServices;
  logger: Logger;
}

export type ContextFactory = (request: { headers: IncomingHttpHeaders; requestId: string }) => Promise<GraphQLContext>;

export function createContextFactory({ verifyToken, sources, services, logger }: ContextDependencies): ContextFactory {
  return async ({ headers, requestId }) => ({
    viewer: await viewerOf(headers.authorization, verifyToken),
    loaders: createLoaders(sources),
    services,
    requestId,
    logger,
  });
}

/** No Authorization header: anonymous (allowed for `_service` only). A header that fails: UNAUTHENTICATED. */
async function viewerOf(header: string | undefined, verifyToken: TokenVerifier): Promise<Viewer | null> {
  if (header === undefined) return null;
  const match = /^Bearer ([\w-]+\.[\w-]+\.[\w-]+)$/.exec(header);
  if (!match?.[1]) throw clientError('UNAUTHENTICATED', 'the Authorization header must be `Bearer <token>`');
  try {
    return await verifyToken(match[1]);
  } catch {
    throw clientError('UNAUTHENTICATED', 'the token is invalid or expired');
  }
}
