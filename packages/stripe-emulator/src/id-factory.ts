import { randomInt } from 'node:crypto';
import { SeededRandom } from './random.ts';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Stripe-shaped ids (`cus_` + 14 characters). Under a seed the sequence is reproducible. */
export class IdFactory {
  private random: SeededRandom | undefined;

  constructor(private readonly seed: number | undefined) {
    this.reset();
  }

  reset(): void {
    this.random = this.seed === undefined ? undefined : new SeededRandom(this.seed);
  }

  /** The seeded sequence's position (null unseeded), saved with the emulator's state. */
  get position(): number | null {
    return this.random?.position ?? null;
  }

  set position(state: number | null) {
    if (this.random && state !== null) this.random.position = state;
  }

  next(prefix: string, length = 14): string {
    return `${prefix}_${this.token(length)}`;
  }

  token(length: number): string {
    let token = '';
    for (let i = 0; i < length; i += 1) {
      const index = this.random ? this.random.integer(ALPHABET.length) : randomInt(ALPHABET.length);
      token += ALPHABET[index];
    }
    return token;
  }
}
