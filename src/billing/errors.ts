// Domain errors carry a code from the one catalogue clients see (src/graphql/error-codes.ts maps them);
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
