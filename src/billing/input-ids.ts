// The shapes of the ids clients send, checked before they reach the database or the provider: a NUL byte,
// a control character or a 5 KB "id" is bad input (BAD_USER_INPUT), never a database error.
import { invalidInput } from './errors.ts';

/** Ids of users and groups, owned by other subgraphs: printable ASCII, no spaces, at most 128 characters. */
const OWNER_ID = /^[\w.:@+=/-]{1,128}$/;
/** Plan ids, as the catalog allows them. */
const PLAN_ID = /^[a-z0-9-]{1,64}$/;
/** Payment-provider ids (`seti_…`): a prefix, an underscore, letters and digits. */
const PROVIDER_ID = /^[a-z]{2,8}_\w{1,250}$/;

export const isOwnerId = (value: unknown): value is string => typeof value === 'string' && OWNER_ID.test(value);

export function requireOwnerId(value: string, field: string): string {
  if (!isOwnerId(value))
    throw invalidInput(`\`${field}\` is not a valid id (1 to 128 letters, digits or . : @ + = / - _)`, field);
  return value;
}

export function requirePlanId(value: string, field = 'planId'): string {
  if (!PLAN_ID.test(value)) throw invalidInput(`\`${field}\` is not a plan id`, field);
  return value;
}

export function requireProviderId(value: string, field: string): string {
  if (!PROVIDER_ID.test(value)) throw invalidInput(`\`${field}\` is not a valid id`, field);
  return value;
}
