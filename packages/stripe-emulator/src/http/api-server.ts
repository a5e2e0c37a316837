import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Emulator } from '../emulator.ts';
import { StripeApiError, withDocUrl } from '../stripe-error.ts';
import { parseStripeForm, type FormObject } from './form-body.ts';
import { RequestParams } from './params.ts';
import { expand } from './expansion.ts';
import type { MatchedRoute } from './router.ts';
import { Document, Redirect } from './document.ts';
import { settleDebitsDueOffClock } from '../billing/debit-settlement.ts';
import { IdempotencyCache, requestFingerprint, type StoredResponse } from './idempotency-cache.ts';
import { RequestLog } from './request-log.ts';
import { checkParameters } from '../contract/parameter-check.ts';
import { checkValues } from '../contract/value-rules.ts';

const ADMIN_PREFIX = '/_emulator/';

/**
 * The HTTP face of the emulator: Stripe's authentication, form-encoded bodies, `expand[]`,
 * `Idempotency-Key`, error objects and statuses; every request is recorded in the request log.
 * Handlers run synchronously, so one request's state changes never interleave with another's.
 */
export class ApiServer {
  readonly server: Server;
  readonly requests: RequestLog;
  readonly idempotency: IdempotencyCache;
  /** Request ids count requests, so reading the API never shifts the seeded object ids. */
  private requestCount = 0;

  constructor(
    private readonly emulator: Emulator,
    limits: { bodyLimitBytes: number; logCapacity: number },
  ) {
    this.requests = new RequestLog(limits.logCapacity);
    this.idempotency = new IdempotencyCache(() => emulator.time.now(), limits.logCapacity);
    this.server = createServer((request, response) => {
      readBody(request, limits.bodyLimitBytes)
        .then((body) => this.handle(request, body, response))
        .catch((error: unknown) => {
          emulator.settings.log(`request failed: ${String(error)}`);
          if (!response.headersSent)
            send(response, 500, JSON.stringify({ error: { type: 'api_error', message: 'Internal error' } }), {});
        });
    });
    // Keep-alive sockets would otherwise hold `close()` open until they time out.
    this.server.keepAliveTimeout = 1000;
  }

  private handle(request: IncomingMessage, body: string | null, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', 'http://emulator');
    const method = request.method ?? 'GET';
    this.requestCount += 1;
    const requestId = `req_${String(this.requestCount).padStart(14, '0')}`;
    const idempotencyKey = method === 'POST' ? headerOf(request, 'idempotency-key') : null;
    const stripeVersion = headerOf(request, 'stripe-version');
    let form: FormObject = {};
    let replayed = false;
    let result: StoredResponse;
    try {
      form = this.decode(request, method, url, body);
      if (idempotencyKey) IdempotencyCache.checkKey(idempotencyKey);
      const fingerprint = requestFingerprint(method, url.pathname, form);
      const previous = idempotencyKey ? this.idempotency.replay(idempotencyKey, fingerprint) : undefined;
      replayed = previous !== undefined;
      if (previous) {
        result = previous;
      } else {
        const outcome = this.run(method, url.pathname, form, request, {
          id: requestId,
          idempotency_key: idempotencyKey,
        });
        result = outcome.response;
        if (idempotencyKey && outcome.save) this.idempotency.remember(idempotencyKey, fingerprint, result);
      }
    } catch (error) {
      result = this.errorResponse(error, requestId);
    }
    if (!url.pathname.startsWith(ADMIN_PREFIX)) {
      this.requests.add({
        id: requestId,
        method,
        path: url.pathname,
        params: form,
        idempotency_key: idempotencyKey,
        stripe_version: stripeVersion,
        status: result.status,
        idempotent_replayed: replayed,
      });
    }
    send(response, result.status, result.body, {
      'content-type': result.contentType ?? 'application/json',
      'request-id': requestId,
      'stripe-version': stripeVersion ?? this.emulator.settings.apiVersion,
      ...(replayed ? { 'idempotent-replayed': 'true' } : {}),
      ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
      ...(result.location ? { location: result.location } : {}),
    });
    this.emulator.webhooks.flush();
  }

  /** The request's parameters: the form body of a POST, the query string otherwise. */
  private decode(request: IncomingMessage, method: string, url: URL, body: string | null): FormObject {
    if (body === null)
      throw new StripeApiError(413, { type: 'invalid_request_error', message: 'The request body is too large.' });
    if (method === 'POST' && /^application\/json/i.test(headerOf(request, 'content-type') ?? '') && body.length > 0) {
      // Stripe's API takes form-encoded bodies only.
      throw new StripeApiError(400, {
        type: 'invalid_request_error',
        message:
          'Invalid request (check that your POST content type is application/x-www-form-urlencoded). If you have any questions, we can help at https://support.stripe.com/.',
      });
    }
    return parseStripeForm(method === 'POST' ? body : url.search.slice(1));
  }

  /**
   * Validates, then executes. As Stripe does, a result is saved for its idempotency key only once the endpoint
   * started executing: a request refused by validation may be retried with the same key; a 500 is saved.
   */
  private run(
    method: string,
    path: string,
    form: FormObject,
    request: IncomingMessage,
    origin: { id: string; idempotency_key: string | null },
  ): { response: StoredResponse; save: boolean } {
    let started = false;
    try {
      if (!path.startsWith(ADMIN_PREFIX)) authenticate(request);
      const route = this.emulator.router.match(method, path);
      if (!route) {
        throw new StripeApiError(404, {
          type: 'invalid_request_error',
          message: `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
        });
      }
      if (route.contract) {
        checkParameters(form, route.contract);
        checkValues(form);
      }
      started = true;
      return { response: this.execute(method, route, form, origin), save: true };
    } catch (error) {
      const parameterError = error instanceof StripeApiError && (error.body.code?.startsWith('parameter_') ?? false);
      return { response: this.errorResponse(error, origin.id), save: started && !parameterError };
    }
  }

  /**
   * Stripe's error object, with what Stripe adds to every error: `request_log_url` (here, the request's entry in
   * the emulator's request log) and, for a documented error code, its `doc_url`.
   */
  private errorResponse(error: unknown, requestId: string): StoredResponse {
    const request_log_url = `${this.emulator.baseUrl}/_emulator/requests/${requestId}`;
    if (error instanceof StripeApiError)
      return {
        status: error.status,
        body: JSON.stringify({ error: { ...withDocUrl(error.body), request_log_url } }, null, 2),
      };
    this.emulator.settings.log(
      `internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    return {
      status: 500,
      body: JSON.stringify({
        error: { type: 'api_error', message: 'An unknown error occurred in the Stripe emulator.', request_log_url },
      }),
    };
  }

  private execute(
    method: string,
    route: MatchedRoute,
    form: FormObject,
    origin: { id: string; idempotency_key: string | null },
  ): StoredResponse {
    if (method !== 'GET') this.emulator.time.tick();
    settleDebitsDueOffClock(this.emulator);
    const params = new RequestParams(form);
    this.emulator.events.origin = origin;
    try {
      const output = route.handler({ params, path: route.path });
      if (method !== 'GET') this.emulator.changed();
      if (output instanceof Document) return { status: 200, body: output.body, contentType: output.contentType };
      if (output instanceof Redirect)
        return { status: 303, body: '', contentType: 'text/plain', location: output.location };
      return {
        status: 200,
        body: JSON.stringify(expand(this.emulator, output, params.strings('expand') ?? []), null, 2),
      };
    } finally {
      this.emulator.events.origin = null;
    }
  }
}

function authenticate(request: IncomingMessage): void {
  const header = headerOf(request, 'authorization') ?? '';
  const key = header.startsWith('Bearer ')
    ? header.slice(7)
    : header.startsWith('Basic ')
      ? (Buffer.from(header.slice(6), 'base64').toString().split(':')[0] ?? '')
      : '';
  if (!/^(sk|rk)_test_\w+/.test(key)) {
    const shown = key ? `${key.slice(0, 8)}${'*'.repeat(Math.max(0, key.length - 12))}${key.slice(-4)}` : '';
    throw new StripeApiError(401, {
      type: 'invalid_request_error',
      message: key
        ? `Invalid API Key provided: ${shown}`
        : 'You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth.',
    });
  }
}

function headerOf(request: IncomingMessage, name: string): string | null {
  const value = request.headers[name];
  return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
}

/** The body as text, or null when it exceeds `limit` bytes (the rest is drained, not kept). */
function readBody(request: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    request.on('end', () => resolve(size > limit ? null : Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, status: number, body: string, headers: Record<string, string>): void {
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  response.end(body);
}
