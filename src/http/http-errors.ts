import type { ServerResponse } from 'node:http';

/** The one shape of an HTTP-level error: a GraphQL error list with a code, never a stack trace. */
export function sendHttpError(res: ServerResponse, status: number): void {
  const code = status === 413 ? 'PAYLOAD_TOO_LARGE' : status === 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST';
  const message =
    status === 413 ? 'request body too large' : status === 500 ? 'Internal server error' : 'malformed request';
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
}
