import { GraphQLError } from 'graphql';
import { BillingDomainError } from '../../src/billing/errors';
import { formatError } from '../../src/graphql/errors';
import { ProviderUnavailableError } from '../../src/billing/ports/payment-provider';

const formatted = (
  error: Error,
  extensions: Record<string, unknown> = { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at x (file.ts:1:1)'] },
) =>
  formatError(
    { message: error.message, path: ['field'], extensions },
    new GraphQLError(error.message, { originalError: error, path: ['field'] }),
  );

describe('formatting errors for clients', () => {
  it('masks an unexpected error: no message, no stack trace', () => {
    expect(formatted(new Error('relation "plans" does not exist at /app/x.ts:12'))).toEqual({
      message: 'Internal server error',
      path: ['field'],
      locations: undefined,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  });

  it('gives a domain error the API code of its domain code, and its own message', () => {
    expect(
      formatted(new BillingDomainError('INVALID_INPUT', '`first` must be between 1 and 100', { field: 'first' })),
    ).toMatchObject({
      message: '`first` must be between 1 and 100',
      extensions: { code: 'BAD_USER_INPUT', field: 'first' },
    });
  });

  it('turns an unreachable provider into PROVIDER_UNAVAILABLE without its detail', () => {
    const result = formatted(new ProviderUnavailableError('stripe: ECONNRESET after 4 attempts (req_123)'));
    expect(result.extensions).toEqual({ code: 'PROVIDER_UNAVAILABLE' });
    expect(result.message).not.toMatch(/ECONNRESET|req_123|stripe/i);
  });
});
