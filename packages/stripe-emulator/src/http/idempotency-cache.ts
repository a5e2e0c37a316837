import { StripeApiError, invalidRequest } from '../stripe-error.ts';

export interface StoredResponse {
  status: number;
  body: string;
  /** JSON unless a route answered a Document. */
  contentType?: string;
  /** Set when a route answered a Redirect. */
  location?: string;
}

interface Entry {
  fingerprint: string;
  response: StoredResponse;
  savedAt: number;
}

/** Stripe prunes keys once they are at least 24 hours old. */
export const IDEMPOTENCY_KEY_LIFETIME_SECONDS = 24 * 3600;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/**
 * Stripe's `Idempotency-Key` contract (https://docs.stripe.com/api/idempotent_requests): the same key with the
 * same method, path and parameters (compared by value) replays the first response, 500s included; the same key
 * with anything else is an `idempotency_error`. Keys live 24 hours of emulator time; at most `capacity` are kept.
 */
export class IdempotencyCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly now: () => number,
    private readonly capacity = 10_000,
  ) {}

  static checkKey(key: string): void {
    if (key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
      throw invalidRequest(
        `Idempotency keys can be at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters long; the one provided has ${key.length}.`,
        'idempotency_key_too_long',
      );
    }
  }

  replay(key: string, fingerprint: string): StoredResponse | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.now() - entry.savedAt >= IDEMPOTENCY_KEY_LIFETIME_SECONDS) {
      this.entries.delete(key);
      return undefined;
    }
    if (entry.fingerprint !== fingerprint) {
      throw new StripeApiError(400, {
        type: 'idempotency_error',
        message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
      });
    }
    return entry.response;
  }

  remember(key: string, fingerprint: string, response: StoredResponse): void {
    this.entries.delete(key);
    this.entries.set(key, { fingerprint, response, savedAt: this.now() });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.capacity) break;
      this.entries.delete(oldest);
    }
  }

  clear(): void {
    this.entries.clear();
  }
}

/** Method, path and parameters with object keys sorted: the same parameters in another order are the same request. */
export function requestFingerprint(method: string, path: string, params: unknown): string {
  return `${method} ${path} ${JSON.stringify(canonical(params))}`;
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((key) => [key, canonical(record[key])]),
  );
}
