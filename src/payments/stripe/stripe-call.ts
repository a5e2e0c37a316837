import type { Logger } from 'pino';
import type { RetryPolicy } from './retry-policy.ts';
import { isTransient, toProviderError } from './stripe-errors.ts';

/**
 * Runs one Stripe request under the retry policy and translates its failure into the port's errors.
 * `operation` names the SDK method, for logs and for our own error wording.
 */
export type StripeCall = <T>(operation: string, request: () => Promise<T>) => Promise<T>;

export function createStripeCall(retries: RetryPolicy, logger: Logger): StripeCall {
  return async (operation, request) => {
    try {
      return await retries.run(request, isTransient, ({ retry, delayMs, error }) => {
        logger.warn({ operation, retry, delayMs, err: error }, 'Stripe request failed transiently; retrying');
      });
    } catch (error) {
      throw toProviderError(error, operation, logger);
    }
  };
}
