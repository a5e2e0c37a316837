/** A decoded `application/x-www-form-urlencoded` body in Stripe's bracket notation. */
export type FormValue = string | FormValue[] | FormObject;
export interface FormObject {
  [key: string]: FormValue;
}

/**
 * Decodes `items[0][price]=p&metadata[k]=v&expand[]=x` into nested objects and arrays, as Stripe does:
 * numeric (or empty) brackets make arrays, other brackets make objects.
 */
export function parseStripeForm(body: string): FormObject {
  const root: FormObject = {};
  for (const [rawKey, value] of new URLSearchParams(body)) {
    assign(root, splitKey(rawKey), value);
  }
  return normalize(root) as FormObject;
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
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[segment] = {};
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
  return Object.fromEntries(entries);
}
