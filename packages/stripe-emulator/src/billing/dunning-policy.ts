/**
 * What happens after an automatic payment fails. Retries happen `retryDays` days after the first failed
 * attempt; when the last retry fails the subscription ends in `finalState`.
 * The default (3, 7, 14, 21 days: four retries over three weeks) has the shape of Stripe's default
 * retry schedule.
 */
export interface DunningPolicy {
  retryDays: number[];
  finalState: 'canceled' | 'unpaid';
}

export const DEFAULT_DUNNING: DunningPolicy = { retryDays: [3, 7, 14, 21], finalState: 'canceled' };

const DAY = 86_400;

/** When to retry after `failedAttempts` failures, or null when the schedule is exhausted. */
export function nextRetryAt(policy: DunningPolicy, firstFailedAt: number, failedAttempts: number): number | null {
  const days = policy.retryDays[failedAttempts - 1];
  return days === undefined ? null : firstFailedAt + days * DAY;
}
