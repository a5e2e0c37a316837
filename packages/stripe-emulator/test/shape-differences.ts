/**
 * Compares the shape of an emulator object with Stripe's example of the same resource: the same keys,
 * nested the same way, with values of the same JSON type. A null in the example accepts any value.
 * Free-form maps (metadata) and polymorphic payloads (an event's data.object) are not descended into.
 */
export function shapeDifferences(example: unknown, actual: unknown, path = ''): string[] {
  if (example === null) return [];
  if (actual === null) return [`null ${path}`];
  const exampleType = jsonType(example);
  const actualType = jsonType(actual);
  if (exampleType !== actualType) return [`type ${path}: ${exampleType} → ${actualType}`];
  if (Array.isArray(example) && Array.isArray(actual)) {
    return example.length > 0 && actual.length > 0 ? shapeDifferences(example[0], actual[0], `${path}[]`) : [];
  }
  if (exampleType !== 'object' || OPAQUE.some((suffix) => path.endsWith(suffix))) return [];
  const exampleObject = example as Record<string, unknown>;
  const actualObject = actual as Record<string, unknown>;
  const differences: string[] = [];
  for (const key of Object.keys(exampleObject)) {
    const child = path ? `${path}.${key}` : key;
    if (!(key in actualObject)) differences.push(`missing ${child}`);
    else differences.push(...shapeDifferences(exampleObject[key], actualObject[key], child));
  }
  for (const key of Object.keys(actualObject)) {
    if (!(key in exampleObject)) differences.push(`extra ${path ? `${path}.${key}` : key}`);
  }
  return differences;
}

const OPAQUE = ['metadata', 'data.object', 'previous_attributes'];

function jsonType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  return value === null ? 'null' : typeof value;
}
