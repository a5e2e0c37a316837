// Domain errors carry a code from the one catalogue clients see (src/graphql/errors.ts formats them);
// their messages are written for clients and never contain provider text or internals.
export type DomainErrorCode = 'BAD_USER_INPUT' | 'NOT_FOUND' | 'FORBIDDEN' | 'CONFLICT' | 'PROVIDER_UNAVAILABLE';

export class BillingDomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'BillingDomainError';
  }
}

export const invalidInput = (message: string, field?: string) =>
  new BillingDomainError('BAD_USER_INPUT', message, field ? { field } : {});

export const notFound = (what: string) => new BillingDomainError('NOT_FOUND', `${what} not found`);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Our ids are UUIDs: anything else is refused before it reaches the database. */
export function requireUuid(value: string, field: string): string {
  if (!UUID.test(value)) throw invalidInput(`\`${field}\` is not a valid id`, field);
  return value.toLowerCase();
}

export const isUuid = (value: string): boolean => UUID.test(value);
