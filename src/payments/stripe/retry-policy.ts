/** Bounded retries with jittered exponential backoff, for provider calls that failed transiently. */
export interface RetryPolicyOptions {
  /** Retries after the first attempt; 0 tries once. */
  maxRetries: number;
  /** Delay ceiling before the first retry; it doubles at each further retry. */
  baseDelayMs: number;
  /** No single wait exceeds this, however many retries came before. */
  maxDelayMs: number;
  /** Uniform in [0, 1); injectable so tests can pin the jitter. */
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface RetryNotice {
  /** 1 for the first retry. */
  retry: number;
  delayMs: number;
  error: unknown;
}

export class RetryPolicy {
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: RetryPolicyOptions) {
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /**
   * The wait before retry `retry` (1-based): "equal jitter", half fixed and half random, so waits grow
   * exponentially, never collapse to zero, and concurrent callers do not retry in lockstep.
   */
  delayBefore(retry: number): number {
    const ceiling = Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** (retry - 1));
    return Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
  }

  /** Runs `attempt` until it succeeds, fails with a non-retryable error, or the retries run out (the last error is thrown). */
  async run<T>(
    attempt: () => Promise<T>,
    isRetryable: (error: unknown) => boolean,
    onRetry: (notice: RetryNotice) => void = () => undefined,
  ): Promise<T> {
    for (let retry = 1; ; retry += 1) {
      try {
        return await attempt();
      } catch (error) {
        if (retry > this.options.maxRetries || !isRetryable(error)) throw error;
        const delayMs = this.delayBefore(retry);
        onRetry({ retry, delayMs, error });
        await this.sleep(delayMs);
      }
    }
  }
}
