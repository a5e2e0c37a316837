// The one catalogue of error codes clients see, and the masking of everything else. A client never
// receives a stack trace, a provider's message or an internal error's text.
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { domainFailureOf, type DomainErrorCode } from '../billing/errors.ts';
import { isDatabaseUnavailable } from '../db/database-availability.ts';

export const ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'PROVIDER_UNAVAILABLE',
  'RATE_LIMITED',
  'SERVICE_UNAVAILABLE',
  'INTERNAL_SERVER_ERROR',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Codes Apollo Server itself assigns to malformed requests; they describe the request, not our internals. */
const REQUEST_ERROR_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

/** The one place domain failures meet the API: each domain code as the `extensions.code` clients see. */
const API_CODE: Record<DomainErrorCode, ErrorCode> = {
  INVALID_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  OPERATION_IN_PROGRESS: 'CONFLICT',
  PROVIDER_UNAVAILABLE: 'PROVIDER_UNAVAILABLE',
};

const HTTP_STATUS: Partial<Record<ErrorCode, number>> = { UNAUTHENTICATED: 401 };

export function clientError(
  code: Exclude<ErrorCode, 'INTERNAL_SERVER_ERROR'>,
  message: string,
  extra = {},
): GraphQLError {
  const status = HTTP_STATUS[code];
  return new GraphQLError(message, { extensions: { code, ...extra, ...(status && { http: { status } }) } });
}

/** True for errors whose message was written for the client; everything else is masked. */
export function isClientFacing(error: unknown): boolean {
  const original = unwrapResolverError(error);
  if (domainFailureOf(original)) return true;
  if (!(original instanceof GraphQLError)) return false;
  const code = original.extensions.code;
  if (typeof code !== 'string') return false;
  return REQUEST_ERROR_CODES.has(code) || (ERROR_CODES as readonly string[]).includes(code);
}

/** How long a client should wait before retrying while the database cannot be reached. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** HTTP 503 with Retry-After when any error comes from an unreachable database: the client may retry. */
export function serviceUnavailableHttp(
  errors: readonly unknown[],
): { status: number; headers: Map<string, string> } | null {
  if (!errors.some((error) => isDatabaseUnavailable(unwrapResolverError(error)))) return null;
  return { status: 503, headers: new Map([['retry-after', String(DATABASE_RETRY_AFTER_SECONDS)]]) };
}

/** The `extensions.code` an error reaches the client with (the audit log records it as the outcome). */
export function apiErrorCode(error: unknown): string {
  const failure = domainFailureOf(error);
  if (failure) return API_CODE[failure.code];
  const code = error instanceof GraphQLError ? error.extensions.code : undefined;
  return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
}

const SUGGESTION = / ?Did you mean .+\?$/;

/** Drops graphql-js's "Did you mean …?" hints, which name fields and types the client did not know. */
export function withoutSuggestions(format: typeof formatError): typeof formatError {
  return (formatted, error) => {
    const result = format(formatted, error);
    return SUGGESTION.test(result.message) ? { ...result, message: result.message.replace(SUGGESTION, '') } : result;
  };
}

export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const { path, locations } = formatted;
  if (isDatabaseUnavailable(original)) {
    return {
      message: 'The service is temporarily unavailable: try again shortly.',
      path,
      locations,
      extensions: { code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS },
    };
  }
  const failure = domainFailureOf(original);
  if (failure)
    return {
      message: failure.message,
      path,
      locations,
      extensions: { code: API_CODE[failure.code], ...failure.details },
    };
  if (isClientFacing(error)) {
    const { stacktrace: _dropped, http: _status, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  return { message: 'Internal server error', path, locations, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}
