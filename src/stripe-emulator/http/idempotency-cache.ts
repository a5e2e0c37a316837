import { StripeApiError } from '../stripe-error.ts';

export interface StoredResponse {
  status: number;
  body: string;
}

interface Entry {
  fingerprint: string;
  response: StoredResponse;
}

/**
 * Stripe's `Idempotency-Key` contract: the same key with the same request replays the first response;
 * the same key with another method, path or body is an `idempotency_error`.
 */
export class IdempotencyCache {
  private readonly entries = new Map<string, Entry>();

  replay(key: string, fingerprint: string): StoredResponse | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.fingerprint !== fingerprint) {
      throw new StripeApiError(400, {
        type: 'idempotency_error',
        message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
      });
    }
    return entry.response;
  }

  remember(key: string, fingerprint: string, response: StoredResponse): void {
    // Stripe does not save 5xx results: the client may retry them with the same key.
    if (response.status < 500) this.entries.set(key, { fingerprint, response });
  }

  clear(): void {
    this.entries.clear();
  }
}
