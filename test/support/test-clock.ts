// The app's clock in tests: real time, shifted by what the test moved it. It keeps ticking, so everything
// that orders by time (invoice dates, operations) still sees time pass, only later.
import type { Clock } from '../../src/billing/clock';

export class TestClock implements Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** Moves the clock forward to `instant`, from where it ticks on; never backwards (nor does the provider's). */
  moveTo(instant: Date): void {
    const offsetMs = instant.getTime() - Date.now();
    if (offsetMs < this.offsetMs)
      throw new Error(`the clock cannot move back to ${instant.toISOString()} from ${this.now().toISOString()}`);
    this.offsetMs = offsetMs;
  }

  advance(ms: number): void {
    this.moveTo(new Date(this.now().getTime() + ms));
  }
}
