import type { Logger } from 'pino';
import type { RetryPolicy } from './retry-policy.ts';
import { isTransient, toProviderError } from './stripe-errors.ts';

/**
 * Runs one Stripe request under the retry policy and translates its failure into the port's errors.
 * `operation` names the SDK method, for logs and for our own error wording.
 */
export type StripeCall = <T>(operation: string, request: () => Promise<T>) => Promise<T>;

/** Hears every call once it is settled, retries included: the metrics' provider latency and errors. */
export type ProviderCallObserver = (operation: string, seconds: number, failed: boolean) => void;

export function createStripeCall(
  retries: RetryPolicy,
  logger: Logger,
  observe: ProviderCallObserver = () => undefined,
): StripeCall {
  return async (operation, request) => {
    const started = performance.now();
    let failed = true;
    try {
      const result = await retries.run(request, isTransient, ({ retry, delayMs, error }) => {
        logger.warn({ operation, retry, delayMs, err: error }, 'Stripe request failed transiently; retrying');
      });
      failed = false;
      return result;
    } catch (error) {
      throw toProviderError(error, operation, logger);
    } finally {
      observe(operation, (performance.now() - started) / 1000, failed);
    }
  };
}
