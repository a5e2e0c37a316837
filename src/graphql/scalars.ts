import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

const DIGITS = /^\d{1,30}$/;
/** Byte counts are BIGINT columns: 0 to 2^63 - 1. */
const MAX_BYTES = 2n ** 63n - 1n;

function toBytes(value: unknown): bigint {
  const bytes =
    typeof value === 'string' && DIGITS.test(value)
      ? BigInt(value)
      : typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
        ? BigInt(value)
        : null;
  if (bytes === null || bytes > MAX_BYTES) {
    throw new GraphQLError(`Bytes must be a whole number from 0 to ${MAX_BYTES}, as a string of digits`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return bytes;
}

export const BytesScalar = new GraphQLScalarType({
  name: 'Bytes',
  description: 'A count of bytes as a string of decimal digits (exact beyond 2^53).',
  serialize: (value) => {
    if (typeof value === 'bigint' || typeof value === 'number') return value.toString();
    if (typeof value === 'string' && DIGITS.test(value)) return value;
    throw new TypeError('Bytes cannot represent this value');
  },
  parseValue: toBytes,
  // An INT literal's value is its digits as written, so large literals stay exact.
  parseLiteral: (ast) => toBytes(ast.kind === Kind.STRING || ast.kind === Kind.INT ? ast.value : undefined),
});

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

function toDate(value: unknown): Date {
  const date = typeof value === 'string' && ISO_INSTANT.test(value) ? new Date(value) : null;
  if (!date || Number.isNaN(date.getTime())) {
    throw new GraphQLError('DateTime must be an ISO 8601 instant such as 2026-11-24T10:00:00Z', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return date;
}

export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: 'An ISO 8601 instant in UTC.',
  serialize: (value) => {
    if (value instanceof Date) return value.toISOString();
    if (typeof value === 'string') return toDate(value).toISOString();
    throw new TypeError('DateTime cannot represent this value');
  },
  parseValue: toDate,
  parseLiteral: (ast) => toDate(ast.kind === Kind.STRING ? ast.value : undefined),
});
