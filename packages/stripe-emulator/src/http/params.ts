import type { FormObject, FormValue } from './form-body.ts';
import { parameterInvalid, parameterMissing } from '../stripe-error.ts';

/**
 * Typed reads of a decoded request, raising Stripe's `parameter_missing` / `parameter_invalid` errors with
 * the bracketed parameter name (`items[0][price]`) a client sees from Stripe.
 */
export class RequestParams {
  constructor(
    readonly raw: FormObject,
    private readonly prefix = '',
  ) {}

  has(key: string): boolean {
    return this.raw[key] !== undefined;
  }

  name(key: string): string {
    return this.prefix ? `${this.prefix}[${key}]` : key;
  }

  string(key: string): string | undefined {
    const value = this.raw[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw parameterInvalid(this.name(key), `Invalid string: ${this.name(key)}`);
    return value;
  }

  requiredString(key: string): string {
    const value = this.string(key);
    if (value === undefined || value === '') throw parameterMissing(this.name(key));
    return value;
  }

  /** A string where `''` means "unset" (Stripe's convention for clearing a field). */
  nullableString(key: string): string | null | undefined {
    const value = this.string(key);
    return value === '' ? null : value;
  }

  integer(key: string): number | undefined {
    const value = this.string(key);
    if (value === undefined || value === '') return undefined;
    if (!/^-?\d+$/.test(value)) throw parameterInvalid(this.name(key), `Invalid integer: ${value}`);
    return Number(value);
  }

  number(key: string): number | undefined {
    const value = this.string(key);
    if (value === undefined || value === '') return undefined;
    const parsed = Number(value);
    if (!Number.isFinite(parsed)) throw parameterInvalid(this.name(key), `Invalid decimal: ${value}`);
    return parsed;
  }

  boolean(key: string): boolean | undefined {
    const value = this.string(key);
    if (value === undefined || value === '') return undefined;
    if (value !== 'true' && value !== 'false') throw parameterInvalid(this.name(key), `Invalid boolean: ${value}`);
    return value === 'true';
  }

  oneOf<T extends string>(key: string, allowed: readonly T[]): T | undefined {
    const value = this.string(key);
    if (value === undefined || value === '') return undefined;
    if (!(allowed as readonly string[]).includes(value)) {
      throw parameterInvalid(this.name(key), `Invalid ${this.name(key)}: must be one of ${allowed.join(', ')}`);
    }
    return value as T;
  }

  object(key: string): RequestParams | undefined {
    const value = this.raw[key];
    if (value === undefined || value === '') return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw parameterInvalid(this.name(key), `Invalid object: ${this.name(key)}`);
    }
    return new RequestParams(value, this.name(key));
  }

  objects(key: string): RequestParams[] | undefined {
    const value = this.raw[key];
    if (value === undefined) return undefined;
    if (value === '') return [];
    if (!Array.isArray(value)) throw parameterInvalid(this.name(key), `Invalid array: ${this.name(key)}`);
    return value.map((item, index) => {
      if (typeof item !== 'object' || Array.isArray(item)) {
        throw parameterInvalid(`${this.name(key)}[${index}]`, 'Invalid object');
      }
      return new RequestParams(item, `${this.name(key)}[${index}]`);
    });
  }

  /** A list of strings; `''` (Stripe's "empty list") gives `[]`. */
  strings(key: string): string[] | undefined {
    const value: FormValue | undefined = this.raw[key];
    if (value === undefined) return undefined;
    if (value === '') return [];
    if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
      throw parameterInvalid(this.name(key), `Invalid array: ${this.name(key)}`);
    }
    return value as string[];
  }

  /** Merges `metadata[k]=v` into `current`; `v = ''` removes a key and `metadata=''` removes all. */
  metadata(key: string, current: Record<string, string> = {}): Record<string, string> {
    const value = this.raw[key];
    if (value === undefined) return current;
    if (value === '') return {};
    if (typeof value !== 'object' || Array.isArray(value)) throw parameterInvalid(this.name(key), 'Invalid metadata');
    const merged = { ...current };
    for (const [entryKey, entryValue] of Object.entries(value)) {
      if (typeof entryValue !== 'string')
        throw parameterInvalid(`${this.name(key)}[${entryKey}]`, 'Invalid metadata value');
      if (entryValue === '') delete merged[entryKey];
      else merged[entryKey] = entryValue;
    }
    return merged;
  }
}
