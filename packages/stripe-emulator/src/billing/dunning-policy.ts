/**
 * What happens after an automatic payment fails. Retries happen `retryDays` days after the first failed
 * attempt; when the last retry fails the subscription ends in `finalState`: `canceled` (its invoice marked
 * uncollectible), `unpaid` (the invoice stays open; renewals keep invoicing without charging), or `past_due`
 * (left as it is, the invoice open and no longer retried) - Stripe's three choices.
 * The default approximates Stripe's default Smart Retries: eight tries (the first and seven retries) within two
 * weeks, then cancel. Smart Retries picks the instants itself; a fixed schedule keeps tests reproducible.
 */
export interface DunningPolicy {
  retryDays: number[];
  finalState: DunningFinalState;
}

export type DunningFinalState = 'canceled' | 'unpaid' | 'past_due';

export const DEFAULT_DUNNING: DunningPolicy = { retryDays: [1, 3, 5, 7, 9, 11, 14], finalState: 'canceled' };

const DAY = 86_400;

/** When to retry after `failedAttempts` failures, or null when the schedule is exhausted. */
export function nextRetryAt(policy: DunningPolicy, firstFailedAt: number, failedAttempts: number): number | null {
  const days = policy.retryDays[failedAttempts - 1];
  return days === undefined ? null : firstFailedAt + days * DAY;
}
