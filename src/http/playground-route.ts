// The admin playground: GraphiQL, bundled from npm at install time into dist/playground, served with
// the example operations of playground/operations as its first tabs. A plain (req, res) handler, so
// any HTTP framework can mount it; it answers only its own requests and returns false for the others.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

const PROJECT_ROOT = path.join(__dirname, '..', '..');
export const PLAYGROUND_BUNDLE_DIR = path.join(PROJECT_ROOT, 'dist', 'playground');
export const PLAYGROUND_OPERATIONS_DIR = path.join(PROJECT_ROOT, 'playground', 'operations');

/** Everything the page may load comes from this origin: the browser itself refuses anything else. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  // CodeMirror and GraphiQL position their widgets with inline styles.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const TOKEN_PLACEHOLDER = 'Bearer <an admin token: npm run -s token -- --user you --admin>';

export interface PlaygroundOptions {
  bundleDir?: string;
  operationsDir?: string;
  /** Where the page sends its operations. */
  endpoint?: string;
}

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

export type PlaygroundHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

/** Null when the bundle was never built (an install with --ignore-scripts): the caller says so in its log. */
export function createPlaygroundRoute(options: PlaygroundOptions = {}): PlaygroundHandler | null {
  const bundleDir = options.bundleDir ?? PLAYGROUND_BUNDLE_DIR;
  if (!existsSync(path.join(bundleDir, 'graphiql.js')) || !existsSync(path.join(bundleDir, 'graphiql.css')))
    return null;
  const assets = new Map<string, Asset>([
    [
      '/admin/assets/graphiql.js',
      asset(readFileSync(path.join(bundleDir, 'graphiql.js')), 'text/javascript; charset=utf-8'),
    ],
    [
      '/admin/assets/graphiql.css',
      asset(readFileSync(path.join(bundleDir, 'graphiql.css')), 'text/css; charset=utf-8'),
    ],
  ]);
  const page = asset(
    Buffer.from(
      pageHtml(options.endpoint ?? '/graphql', exampleOperations(options.operationsDir ?? PLAYGROUND_OPERATIONS_DIR)),
    ),
    'text/html; charset=utf-8',
  );

  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const pathname = (req.url ?? '/').split('?')[0] ?? '/';
    const found = assets.get(pathname) ?? (isPagePath(pathname, req) ? page : undefined);
    if (!found) return false;
    send(req, res, found);
    return true;
  };
}

/** `/admin`, or `/graphql` opened by a browser (which asks for HTML); API clients ask for JSON and go on to GraphQL. */
function isPagePath(pathname: string, req: IncomingMessage): boolean {
  if (pathname === '/admin' || pathname === '/admin/') return true;
  return pathname === '/graphql' && prefersHtml(req.headers.accept);
}

function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  const html = accept.indexOf('text/html');
  const json = accept.indexOf('application/json');
  return html !== -1 && (json === -1 || html < json);
}

function asset(body: Buffer, type: string): Asset {
  return { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
}

function send(req: IncomingMessage, res: ServerResponse, { body, type, etag }: Asset): void {
  res.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('cache-control', 'no-cache');
  res.setHeader('etag', etag);
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304).end();
    return;
  }
  res.writeHead(200, { 'content-type': type, 'content-length': body.length });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** The `.graphql` files in name order, each a tab with the token placeholder in its headers. */
export function exampleOperations(dir: string): { query: string; headers: string }[] {
  const headers = JSON.stringify({ Authorization: TOKEN_PLACEHOLDER }, null, 2);
  return readdirSync(dir)
    .filter((file) => file.endsWith('.graphql'))
    .sort()
    .map((file) => ({ query: readFileSync(path.join(dir, file), 'utf8'), headers }));
}

function pageHtml(endpoint: string, tabs: { query: string; headers: string }[]): string {
  // `<` escaped, so no operation's text can close the script element.
  const config = JSON.stringify({ endpoint, tabs, tokenPlaceholder: TOKEN_PLACEHOLDER }).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Billing admin playground</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/admin/assets/graphiql.css">
</head>
<body>
<div id="graphiql"></div>
<script id="playground-config" type="application/json">${config}</script>
<script src="/admin/assets/graphiql.js"></script>
</body>
</html>
`;
}
