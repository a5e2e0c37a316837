// The admin playground's browser code: GraphiQL from npm, bundled by scripts/build-playground.js into
// dist/playground. Everything it needs is in the bundle: it loads nothing from any other origin.
import { GraphiQL } from 'graphiql';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import 'graphiql/graphiql.css';
import './playground.css';

interface PlaygroundConfig {
  endpoint: string;
  tabs: { query: string; headers: string }[];
  /** The Authorization every example tab starts with, until a token is pasted over it. */
  tokenPlaceholder: string;
}

type FetcherParams = { query: string; operationName?: string | null; variables?: unknown };

const config = JSON.parse(document.getElementById('playground-config')?.textContent ?? '{}') as PlaygroundConfig;

// The token pasted into one tab serves every tab still showing the placeholder (GraphiQL keeps headers per tab),
// for the life of the page only: nothing is stored in the browser.
let pastedAuthorization: string | undefined;

function withToken(headers: Record<string, string> = {}): Record<string, string> {
  const { Authorization: given, ...rest } = headers;
  if (given && given !== config.tokenPlaceholder) pastedAuthorization = given;
  const authorization = pastedAuthorization ?? given;
  return authorization ? { ...rest, Authorization: authorization } : rest;
}

// A plain POST with JSON: GraphiQL's toolkit fetcher would also pull in a WebSocket client we do not need.
async function fetcher(params: FetcherParams, options?: { headers?: Record<string, string> }): Promise<unknown> {
  const response = await fetch(config.endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...withToken(options?.headers) },
    body: JSON.stringify(params),
    credentials: 'omit',
  });
  return response.json();
}

createRoot(document.getElementById('graphiql') as HTMLElement).render(
  createElement(GraphiQL, {
    fetcher,
    defaultTabs: config.tabs,
    defaultEditorToolsVisibility: 'headers',
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: false,
  }),
);
