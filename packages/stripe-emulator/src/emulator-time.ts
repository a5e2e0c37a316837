/** 2026-01-01T00:00:00Z: where a seeded emulator's own clock starts. */
export const SEEDED_EPOCH = 1767225600;

/**
 * The emulator's wall clock, in Unix seconds. Unseeded it follows real time. Seeded it starts at
 * SEEDED_EPOCH and moves one second per write request, so identical runs give identical timestamps.
 * Objects on a test clock read that clock's frozen time instead (see `Emulator.now`).
 */
export class EmulatorTime {
  private count = 0;

  constructor(private readonly seeded: boolean) {}

  now(): number {
    return this.seeded ? SEEDED_EPOCH + this.count : Math.floor(Date.now() / 1000);
  }

  get ticks(): number {
    return this.count;
  }

  set ticks(count: number) {
    this.count = count;
  }

  tick(): void {
    this.count += 1;
  }

  reset(): void {
    this.count = 0;
  }
}
