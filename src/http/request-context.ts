import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';

const FORWARDED_ID = /^[\w-]{1,64}$/;

/** Gives each request an id (the gateway's `x-request-id` when well-formed), echoed back and logged. */
export function startRequest(req: IncomingMessage, res: ServerResponse, logger: Logger): string {
  const forwarded = req.headers['x-request-id'];
  const requestId = typeof forwarded === 'string' && FORWARDED_ID.test(forwarded) ? forwarded : randomUUID();
  res.setHeader('x-request-id', requestId);
  // Access logs are debug-level: the hot path does not pay for them unless asked.
  if (logger.isLevelEnabled('debug')) {
    const started = process.hrtime.bigint();
    // Read now: Express rewrites `req.url` for the routers it mounts (`/graphql` becomes `/`).
    const path = req.url?.split('?')[0];
    res.on('finish', () => {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      logger.debug({ requestId, method: req.method, path, status: res.statusCode, durationMs }, 'request');
    });
  }
  return requestId;
}
