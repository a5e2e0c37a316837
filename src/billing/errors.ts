// Failures of the domain, thrown by services, with the domain's own codes: src/graphql/errors.ts maps each
// to the API's `extensions.code`, in one table. Business outcomes a client must handle are not errors but
// results (services/billing-results.ts). Messages are written for clients and never contain provider text or
// internals.

/** The payment provider could not be reached, or kept failing, after bounded retries (the port throws it). */
export class ProviderUnavailableError extends Error {
  override name = 'ProviderUnavailableError';
}

export type DomainErrorCode =
  /** The arguments are not acceptable; `details.field` names the one at fault. */
  | 'INVALID_INPUT'
  /** No such object for this customer (someone else's reads as absent). */
  | 'NOT_FOUND'
  /** Another billing operation of the customer holds its lock past the wait. */
  | 'OPERATION_IN_PROGRESS'
  /** The payment provider could not be reached, or answered what cannot be recorded: nothing was changed. */
  | 'PROVIDER_UNAVAILABLE';

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
  new BillingDomainError('INVALID_INPUT', message, field ? { field } : {});

export const notFound = (what: string) => new BillingDomainError('NOT_FOUND', `${what} not found`);

/**
 * The domain failure an error is, or null for anything else (a bug, an unreachable database). The payment
 * port's own unavailability is one: its detail (the provider's text) stays in the log.
 */
export function domainFailureOf(error: unknown): BillingDomainError | null {
  if (error instanceof BillingDomainError) return error;
  if (error instanceof ProviderUnavailableError)
    return new BillingDomainError('PROVIDER_UNAVAILABLE', 'The payment provider is unavailable: try again later.');
  return null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Our ids are UUIDs: anything else is refused before it reaches the database. */
export function requireUuid(value: string, field: string): string {
  if (!UUID.test(value)) throw invalidInput(`\`${field}\` is not a valid id`, field);
  return value.toLowerCase();
}

export const isUuid = (value: string): boolean => UUID.test(value);
