import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Stripe from 'stripe';
import type { Emulator } from '../emulator.ts';

const FORMAT = 1;

interface SavedState {
  format: number;
  apiVersion: string;
  ticks: number;
  idPosition: number | null;
  store: Record<string, unknown[]>;
}

/**
 * Keeps the emulator's state in a JSON file, so an embedded emulator survives a restart of its process as the
 * database beside it does. Saves are debounced after changes and atomic (a temporary file renamed over the
 * old one), so a crash leaves the previous or the new state, never half of one.
 */
export class StateFile {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly file: string,
    private readonly emulator: Emulator,
    private readonly debounceMs = 200,
  ) {}

  /** Restores the saved state, if any; false when there is none yet. */
  load(): boolean {
    if (!existsSync(this.file)) return false;
    let saved: SavedState;
    try {
      saved = JSON.parse(readFileSync(this.file, 'utf8'), reviveDecimals) as SavedState;
    } catch (error) {
      throw new Error(
        `The Stripe emulator cannot read its state file ${this.file} (${String(error)}); move it away to start afresh.`,
        { cause: error },
      );
    }
    if (saved.format !== FORMAT)
      throw new Error(
        `The Stripe emulator state file ${this.file} has format ${saved.format}, not ${FORMAT}; move it away to start afresh.`,
      );
    this.emulator.store.restore(saved.store);
    this.emulator.time.ticks = saved.ticks;
    this.emulator.ids.position = saved.idPosition;
    return true;
  }

  changed(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.save();
    }, this.debounceMs);
  }

  /** Writes a pending change now (on close). */
  flush(): void {
    if (!this.timer) return;
    clearTimeout(this.timer);
    this.timer = null;
    this.save();
  }

  private save(): void {
    const state: SavedState = {
      format: FORMAT,
      apiVersion: this.emulator.settings.apiVersion,
      ticks: this.emulator.time.ticks,
      idPosition: this.emulator.ids.position,
      store: this.emulator.store.dump(),
    };
    mkdirSync(path.dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(state));
    renameSync(temporary, this.file);
  }
}

/** The SDK's `Decimal` amounts (`unit_amount_decimal`, `quantity_decimal`) are saved as strings. */
function reviveDecimals(key: string, value: unknown): unknown {
  return key.endsWith('_decimal') && typeof value === 'string' ? Stripe.Decimal.from(value) : value;
}
