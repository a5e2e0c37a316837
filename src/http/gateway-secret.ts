import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const GATEWAY_SECRET_HEADER = 'x-gateway-secret';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * As in Apollo's subgraph template: the router adds a shared secret to every subgraph request, so the
 * subgraph answers nobody else, not even a caller holding a valid user token. Compared in constant time.
 * Answers false once it has refused the request (401), true when the request may go on.
 */
export function gatewaySecretGuard(secret: string) {
  const expected = digest(secret);
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const given = req.headers[GATEWAY_SECRET_HEADER];
    if (typeof given === 'string' && timingSafeEqual(digest(given), expected)) return true;
    res.statusCode = 401;
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.end(
      JSON.stringify({
        errors: [
          {
            message: `this service answers its gateway only (${GATEWAY_SECRET_HEADER})`,
            extensions: { code: 'UNAUTHENTICATED' },
          },
        ],
      }),
    );
    return false;
  };
}
