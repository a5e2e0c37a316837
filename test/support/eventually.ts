// Waiting for what happens asynchronously (webhooks, jobs, change notifications): poll, bounded in time.

/** Polls `read` until `check` accepts its value, and returns that value. */
export async function eventually<T>(
  read: () => T | Promise<T>,
  check: (value: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!check(value)) {
    if (Date.now() > deadline)
      throw new Error(`condition not met in ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await pause(25);
    value = await read();
  }
  return value;
}

/** Waits until `condition` holds; a time-out names `what` was awaited. */
export async function waitUntil(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
): Promise<void> {
  await eventually(condition, Boolean, timeoutMs).catch(() => {
    throw new Error(`timed out waiting until ${what}`);
  });
}

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
