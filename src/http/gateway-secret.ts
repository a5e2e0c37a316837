import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

export const GATEWAY_SECRET_HEADER = 'x-gateway-secret';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * As in Apollo's subgraph template: the router adds a shared secret to every subgraph request, so the
 * subgraph answers nobody else, not even a caller holding a valid user token. Compared in constant time.
 */
export function requireGatewaySecret(secret: string) {
  const expected = digest(secret);
  return (req: Request, res: Response, next: NextFunction) => {
    const given = req.headers[GATEWAY_SECRET_HEADER];
    if (typeof given === 'string' && timingSafeEqual(digest(given), expected)) {
      next();
      return;
    }
    res.status(401).json({ errors: [{ message: `this service answers its gateway only (${GATEWAY_SECRET_HEADER})`, extensions: { code: 'UNAUTHENTICATED' } }] });
  };
}
