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
}

type FetcherParams = { query: string; operationName?: string | null; variables?: unknown };

const config = JSON.parse(document.getElementById('playground-config')?.textContent ?? '{}') as PlaygroundConfig;

// A plain POST with JSON: GraphiQL's toolkit fetcher would also pull in a WebSocket client we do not need.
async function fetcher(params: FetcherParams, options?: { headers?: Record<string, string> }): Promise<unknown> {
  const response = await fetch(config.endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...options?.headers },
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
