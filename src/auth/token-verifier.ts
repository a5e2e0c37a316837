// Verifies the token the gateway forwards and turns its claims into a Viewer. HS256 with a shared
// secret, or RS256/ES256 against a JWKS URL; nothing else is accepted (no `none`, no algorithm mix-up).
import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyOptions } from 'jose';
import type { AuthConfig } from '../config.ts';
import { isOwnerId } from '../billing/input-ids.ts';
import { CLAIMS, type Role, type Viewer } from './viewer.ts';

export class InvalidTokenError extends Error {
  constructor(reason: string) {
    super(`invalid token: ${reason}`);
    this.name = 'InvalidTokenError';
  }
}

export type TokenVerifier = (token: string) => Promise<Viewer>;

/** Verified tokens are remembered until they expire: the gateway sends the same token on every page. */
const VERIFIED_TOKENS_KEPT = 10_000;

export function createTokenVerifier(auth: AuthConfig, now: () => number = Date.now): TokenVerifier {
  const options: JWTVerifyOptions = {
    ...(auth.issuer && { issuer: auth.issuer }),
    ...(auth.audience && { audience: auth.audience }),
  };
  const verify = auth.mode === 'hs256' ? hs256(auth.secret, options, now) : jwks(auth.jwksUrl, options, now);

  const verified = new Map<string, { viewer: Viewer; expiresAtMs: number }>();

  return async (token) => {
    const known = verified.get(token);
    if (known && known.expiresAtMs > now()) return known.viewer;
    let payload: JWTPayload;
    try {
      ({ payload } = await verify(token));
    } catch (error) {
      throw new InvalidTokenError((error as Error).message);
    }
    const viewer = viewerFromClaims(payload);
    verified.delete(token);
    verified.set(token, { viewer, expiresAtMs: (payload.exp as number) * 1000 });
    if (verified.size > VERIFIED_TOKENS_KEPT) verified.delete(verified.keys().next().value as string);
    return viewer;
  };
}

type Verify = (token: string) => Promise<{ payload: JWTPayload }>;

// jose reads expiry on the verifier's clock too, so a remembered token and a fresh check agree.
function hs256(secret: string, options: JWTVerifyOptions, now: () => number): Verify {
  const key = new TextEncoder().encode(secret);
  return (token) => jwtVerify(token, key, { ...options, currentDate: new Date(now()), algorithms: ['HS256'] });
}

function jwks(url: string, options: JWTVerifyOptions, now: () => number): Verify {
  const keys = createRemoteJWKSet(new URL(url));
  return (token) =>
    jwtVerify(token, keys, { ...options, currentDate: new Date(now()), algorithms: ['RS256', 'ES256'] });
}

function viewerFromClaims(payload: JWTPayload): Viewer {
  if (typeof payload.sub !== 'string' || payload.sub === '') throw new InvalidTokenError('no subject');
  // The subject becomes an owner id in queries: it must have an id's shape, as a request argument must.
  if (!isOwnerId(payload.sub)) throw new InvalidTokenError('the subject is not a valid id');
  if (payload.exp === undefined) throw new InvalidTokenError('no expiry');
  const roles = stringList(payload[CLAIMS.roles], CLAIMS.roles).filter(
    (role): role is Role => role === 'admin' || role === 'service',
  );
  return { id: payload.sub, roles, adminGroupIds: stringList(payload[CLAIMS.adminGroupIds], CLAIMS.adminGroupIds) };
}

function stringList(value: unknown, claim: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new InvalidTokenError(`${claim} must be a list of strings`);
  }
  return value;
}
