/**
 * Compares an emulator object with Stripe's example of the same resource on what is deterministic: the
 * `object` names, id prefixes (`cus_`, `in_`...), lowercase ISO currencies, `livemode`, list urls, and the JSON
 * type of every value both fill. Keys and nullability are the SDK types' business (sdk-conformance.ts); here
 * the fields the example fills are collected, so that a field the emulator leaves null in every state shows.
 * Every element of an array is compared (with the example's element at the same index, else its first).
 */
export interface Comparison {
  differences: string[];
  /** Paths the example fills and this object fills too. */
  filled: Set<string>;
  /** Paths the example fills and this object leaves null (or empty). */
  unfilled: Set<string>;
}

const ID = /^([a-z]+(?:_[a-z]+)*)_[A-Za-z0-9]{10,}$/;
/** Free-form maps and payloads of another resource: not the example's to describe. */
const OPAQUE = ['metadata', 'data.object', 'data.previous_attributes'];

export function compareWithFixture(example: unknown, actual: unknown): Comparison {
  const comparison: Comparison = { differences: [], filled: new Set(), unfilled: new Set() };
  walk(example, actual, '', comparison);
  return comparison;
}

function walk(example: unknown, actual: unknown, at: string, into: Comparison): void {
  if (example === null || example === undefined || actual === undefined) return;
  const emptyArray = Array.isArray(actual) && actual.length === 0 && Array.isArray(example) && example.length > 0;
  if (actual === null || emptyArray) {
    into.unfilled.add(at);
    return;
  }
  into.filled.add(at);
  if (jsonType(example) !== jsonType(actual)) {
    // An id the example shows where the object it names was expanded, or the reverse, is the same field.
    if (!(typeof example === 'string' && isObject(actual)) && !(isObject(example) && typeof actual === 'string'))
      into.differences.push(`type ${at}: ${jsonType(example)} → ${jsonType(actual)}`);
    return;
  }
  if (typeof example === 'string') return compareString(example, actual as string, at, into);
  if (Array.isArray(example)) {
    (actual as unknown[]).forEach((item, i) => walk(example[i] ?? example[0], item, `${at}[]`, into));
    return;
  }
  if (!isObject(example) || OPAQUE.some((suffix) => at === suffix || at.endsWith(`.${suffix}`))) return;
  const object = actual as Record<string, unknown>;
  if (typeof example['object'] === 'string' && object['object'] !== example['object'])
    into.differences.push(
      `value ${at ? `${at}.` : ''}object: ${String(object['object'])}, Stripe: ${example['object']}`,
    );
  if (example['object'] === 'list' && !(typeof object['url'] === 'string' && object['url'].startsWith('/v1/')))
    into.differences.push(`value ${at}.url: ${String(object['url'])}`);
  if ('livemode' in example && object['livemode'] !== false)
    into.differences.push(`value ${at ? `${at}.` : ''}livemode`);
  for (const key of Object.keys(example)) walk(example[key], object[key], at ? `${at}.${key}` : key, into);
}

function compareString(example: string, actual: string, at: string, into: Comparison): void {
  const key = at.split('.').pop();
  if (key === 'currency' && !/^[a-z]{3}$/.test(actual))
    into.differences.push(`value ${at}: not a lowercase ISO currency`);
  const prefix = ID.exec(example)?.[1];
  if (prefix && !actual.startsWith(`${prefix}_`)) into.differences.push(`value ${at}: does not start with ${prefix}_`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function jsonType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  return value === null ? 'null' : typeof value;
}
