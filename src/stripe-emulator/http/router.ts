import type { RequestParams } from './params.ts';

export interface RouteRequest {
  params: RequestParams;
  /** Path segments named `:name` in the route. */
  path: Record<string, string>;
}

export type RouteHandler = (request: RouteRequest) => unknown;

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: RouteHandler;
}

/** Method + path-pattern dispatch (`/v1/customers/:id`); the first registered match wins. */
export class Router {
  private readonly routes: Route[] = [];

  on(method: 'GET' | 'POST' | 'DELETE', path: string, handler: RouteHandler): this {
    const names: string[] = [];
    const source = path.replace(/:([a-z_]+)/g, (_, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    this.routes.push({ method, pattern: new RegExp(`^${source}$`), names, handler });
    return this;
  }

  match(method: string, path: string): { handler: RouteHandler; path: Record<string, string> } | undefined {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const found = route.pattern.exec(path);
      if (!found) continue;
      const values = Object.fromEntries(route.names.map((name, i) => [name, decodeURIComponent(found[i + 1] ?? '')]));
      return { handler: route.handler, path: values };
    }
    return undefined;
  }
}
