import type { ServerResponse } from 'node:http';

const CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  500: 'INTERNAL_SERVER_ERROR',
};
const MESSAGES: Record<number, string> = {
  400: 'malformed request',
  404: 'not found',
  413: 'request body too large',
  500: 'Internal server error',
};

/**
 * The one shape of an HTTP-level error, on every route: a GraphQL error list with a code, never a stack trace.
 * `message` names what was wrong where the status alone does not.
 */
export function sendHttpError(res: ServerResponse, status: number, message?: string): void {
  const clientError = status < 500;
  const code = CODES[status] ?? (clientError ? 'BAD_REQUEST' : 'INTERNAL_SERVER_ERROR');
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(
    JSON.stringify({
      errors: [{ message: message ?? MESSAGES[status] ?? MESSAGES[clientError ? 400 : 500], extensions: { code } }],
    }),
  );
}
