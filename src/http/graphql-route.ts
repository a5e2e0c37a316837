// POST /graphql on Node's own http server, straight into Apollo's `executeHTTPGraphQLRequest`: the hot
// path skips Express's router, middleware chain and response helpers, which cost more than half the
// request time of a constant subgraph (see bench/README.md). Other methods go through Express.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type HTTPGraphQLRequest } from '@apollo/server';
import type { GraphQLContext } from '../graphql/context.ts';
import type { ContextFactory } from '../graphql/context-factory.ts';
import { sendHttpError } from './http-errors.ts';

export interface GraphQLRouteDependencies {
  apollo: ApolloServer<GraphQLContext>;
  context: ContextFactory;
  bodyLimitBytes: number;
}

class BodyError extends Error {
  constructor(readonly status: 400 | 413) {
    super(status === 413 ? 'request body too large' : 'malformed request');
  }
}

export function graphqlRoute({ apollo, context, bodyLimitBytes }: GraphQLRouteDependencies) {
  return async (req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> => {
    let body: unknown;
    try {
      body = isJson(req)
        ? parseJson(await readBody(req, bodyLimitBytes))
        : await readBody(req, bodyLimitBytes).then(() => undefined);
    } catch (error) {
      if (!(error instanceof BodyError)) throw error;
      sendHttpError(res, error.status);
      return;
    }
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const search = req.url!.indexOf('?');
    const request: HTTPGraphQLRequest = {
      method: 'POST',
      headers,
      search: search < 0 ? '' : req.url!.slice(search),
      body,
    };
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: request,
      context: () => context({ headers: req.headers, requestId }),
    });
    for (const [name, value] of response.headers) res.setHeader(name, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };
}

function isJson(req: IncomingMessage): boolean {
  const type = req.headers['content-type'];
  return type !== undefined && /^application\/(.+\+)?json\b/i.test(type);
}

function parseJson(text: string): unknown {
  try {
    const parsed: unknown = JSON.parse(text);
    // As Express's strict JSON parser: a body is an object or an array (a batch), never a bare value.
    if (typeof parsed === 'object' && parsed !== null) return parsed;
  } catch {
    // Reported below as a malformed request.
  }
  throw new BodyError(400);
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) {
    req.resume();
    return Promise.reject(new BodyError(413));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyError(413));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () =>
      resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8')),
    );
    req.on('error', () => reject(new BodyError(400)));
  });
}
