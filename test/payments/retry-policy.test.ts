import { RetryPolicy } from '../../src/payments/stripe/retry-policy.ts';

class Outage extends Error {}

/** A policy that records its waits instead of sleeping, with the jitter pinned to `random`. */
function policy(random: number, maxRetries = 3): { retries: RetryPolicy; waits: number[] } {
  const waits: number[] = [];
  const retries = new RetryPolicy({
    maxRetries,
    baseDelayMs: 100,
    maxDelayMs: 350,
    random: () => random,
    sleep: async (ms) => void waits.push(ms),
  });
  return { retries, waits };
}

const transient = (error: unknown): boolean => error instanceof Outage;

describe('the retry policy', () => {
  it('doubles the wait at each retry, half of it fixed, half random', () => {
    expect([1, 2, 3].map((retry) => policy(0).retries.delayBefore(retry))).toEqual([50, 100, 175]);
    expect([1, 2, 3].map((retry) => policy(0.999999).retries.delayBefore(retry))).toEqual([100, 200, 350]);
  });

  it('never waits longer than the maximum delay', () => {
    expect(policy(0.999999).retries.delayBefore(10)).toBe(350);
  });

  it('returns as soon as an attempt succeeds', async () => {
    const { retries, waits } = policy(0.5);
    let attempts = 0;
    const result = await retries.run(async () => {
      attempts += 1;
      if (attempts < 3) throw new Outage();
      return 'answered';
    }, transient);
    expect(result).toBe('answered');
    expect(waits).toEqual([75, 150]);
  });

  it('gives up after the last retry with the last error', async () => {
    const { retries, waits } = policy(0.5, 2);
    let attempts = 0;
    const failing = retries.run(async () => {
      attempts += 1;
      throw new Outage(`attempt ${attempts}`);
    }, transient);
    await expect(failing).rejects.toThrow('attempt 3');
    expect(waits).toHaveLength(2);
  });

  it('does not retry an error that is not transient', async () => {
    const { retries, waits } = policy(0.5);
    let attempts = 0;
    const failing = retries.run(async () => {
      attempts += 1;
      throw new Error('declined');
    }, transient);
    await expect(failing).rejects.toThrow('declined');
    expect(attempts).toBe(1);
    expect(waits).toEqual([]);
  });

  it('tells about each retry before waiting', async () => {
    const { retries } = policy(0);
    const notices: [number, number][] = [];
    await retries
      .run(
        async () => {
          throw new Outage();
        },
        transient,
        ({ retry, delayMs }) => notices.push([retry, delayMs]),
      )
      .catch(() => undefined);
    expect(notices).toEqual([
      [1, 50],
      [2, 100],
      [3, 175],
    ]);
  });
});
