import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';

const FORWARDED_ID = /^[\w-]{1,64}$/;

/** Gives each request an id (the gateway's `x-request-id` when well-formed), echoed back and logged. */
export function requestContext(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    const forwarded = req.headers['x-request-id'];
    const requestId = typeof forwarded === 'string' && FORWARDED_ID.test(forwarded) ? forwarded : randomUUID();
    res.locals.requestId = requestId;
    res.setHeader('x-request-id', requestId);
    // Access logs are debug-level: the hot path does not pay for them unless asked.
    if (logger.isLevelEnabled('debug')) {
      const started = process.hrtime.bigint();
      res.on('finish', () => {
        const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
        // originalUrl: a mounted route (`/graphql`) sees its own path as `/` by the time the response ends.
        const path = req.originalUrl.split('?')[0];
        logger.debug({ requestId, method: req.method, path, status: res.statusCode, durationMs }, 'request');
      });
    }
    next();
  };
}
