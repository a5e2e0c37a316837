import type { RequestParams } from './params.ts';
import { ENDPOINT_CONTRACTS, type EndpointContract } from '../contract/endpoint-contracts.ts';

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
  /** What the endpoint accepts; null for the emulator's own `/_emulator/` routes. */
  contract: EndpointContract | null;
}

export interface MatchedRoute {
  handler: RouteHandler;
  path: Record<string, string>;
  contract: EndpointContract | null;
}

/** Method + path-pattern dispatch (`/v1/customers/:id`); the first registered match wins. */
export class Router {
  private readonly routes: Route[] = [];

  on(method: 'GET' | 'POST' | 'DELETE', path: string, handler: RouteHandler): this {
    const contract = ENDPOINT_CONTRACTS[`${method} ${path}`] ?? null;
    // Every Stripe endpoint states what it accepts, so none can silently ignore a parameter.
    if (path.startsWith('/v1/') && !contract) throw new Error(`${method} ${path} has no endpoint contract`);
    const names: string[] = [];
    const source = path.replace(/:([a-z_]+)/g, (_, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    this.routes.push({ method, pattern: new RegExp(`^${source}$`), names, handler, contract });
    return this;
  }

  /** `undefined` when no route matches; a malformed `%` escape in a path segment matches nothing. */
  match(method: string, path: string): MatchedRoute | undefined {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const found = route.pattern.exec(path);
      if (!found) continue;
      const values: Record<string, string> = Object.create(null) as Record<string, string>;
      for (const [i, name] of route.names.entries()) {
        const decoded = decodeSegment(found[i + 1] ?? '');
        if (decoded === undefined) return undefined;
        values[name] = decoded;
      }
      return { handler: route.handler, path: values, contract: route.contract };
    }
    return undefined;
  }
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
