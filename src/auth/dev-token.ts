// Signs HS256 tokens shaped like the gateway's, for development and tests only.
import { SignJWT } from 'jose';
import { CLAIMS, type Role } from './viewer.ts';

export interface DevTokenClaims {
  sub: string;
  roles?: Role[];
  adminGroupIds?: string[];
  issuer?: string;
  audience?: string;
}

export function signDevToken(secret: string, claims: DevTokenClaims, expiresIn = '1h'): Promise<string> {
  const jwt = new SignJWT({ [CLAIMS.roles]: claims.roles ?? [], [CLAIMS.adminGroupIds]: claims.adminGroupIds ?? [] })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuedAt()
    .setExpirationTime(expiresIn);
  if (claims.issuer) jwt.setIssuer(claims.issuer);
  if (claims.audience) jwt.setAudience(claims.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}
