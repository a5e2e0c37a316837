/** A decoded `application/x-www-form-urlencoded` body in Stripe's bracket notation. */
export type FormValue = string | FormValue[] | FormObject;
export interface FormObject {
  [key: string]: FormValue;
}

import { invalidRequest } from '../stripe-error.ts';

/** Keys that would reach `Object.prototype` through a plain object: refused, whatever the endpoint. */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Decodes `items[0][price]=p&metadata[k]=v&expand[]=x` into nested objects and arrays, as Stripe does:
 * numeric (or empty) brackets make arrays, other brackets make objects. Objects have no prototype, so no key
 * can pollute `Object.prototype`.
 */
export function parseStripeForm(body: string): FormObject {
  const root = dictionary();
  for (const [rawKey, value] of new URLSearchParams(body)) {
    const path = splitKey(rawKey);
    const reserved = path.find((segment) => RESERVED_KEYS.has(segment));
    if (reserved !== undefined)
      throw invalidRequest(`Received unknown parameter: ${rawKey}`, 'parameter_unknown', rawKey);
    assign(root, path, value);
  }
  return normalize(root) as FormObject;
}

function dictionary(): FormObject {
  return Object.create(null) as FormObject;
}

function splitKey(key: string): string[] {
  const first = key.indexOf('[');
  if (first < 0) return [key];
  const segments = [key.slice(0, first)];
  for (const match of key.slice(first).matchAll(/\[([^\]]*)\]/g)) segments.push(match[1] ?? '');
  return segments;
}

function assign(target: FormObject, path: string[], value: string): void {
  let node = target;
  path.forEach((raw, index) => {
    // `expand[]` appends: give the element the next free index so it sorts after earlier ones.
    const segment = raw === '' ? String(Object.keys(node).length) : raw;
    if (index === path.length - 1) {
      node[segment] = value;
      return;
    }
    const next = node[segment];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[segment] = dictionary();
    node = node[segment] as FormObject;
  });
}

function normalize(value: FormValue): FormValue {
  if (typeof value === 'string' || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  const entries = keys.map((key) => [key, normalize(value[key] as FormValue)] as const);
  if (keys.length > 0 && keys.every((key) => /^\d+$/.test(key))) {
    return entries.sort(([a], [b]) => Number(a) - Number(b)).map(([, item]) => item);
  }
  return Object.assign(dictionary(), Object.fromEntries(entries));
}
