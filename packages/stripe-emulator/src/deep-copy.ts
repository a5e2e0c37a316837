/**
 * A deep copy of plain objects and arrays that keeps class instances (the SDK's immutable `Decimal`
 * amounts) as they are; `structuredClone` would turn those into plain objects with bigint fields.
 */
export function deepCopy<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => deepCopy(item)) as T;
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, deepCopy(item)])) as T;
}
