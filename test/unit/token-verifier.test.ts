import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { signDevToken } from '../../src/auth/dev-token';
import { createTokenVerifier, InvalidTokenError } from '../../src/auth/token-verifier';

const SECRET = 'a-shared-secret-of-at-least-thirty-two-chars';

describe('verifying gateway tokens with a shared secret (HS256)', () => {
  const verify = createTokenVerifier({ mode: 'hs256', secret: SECRET, issuer: 'gateway', audience: 'billing' });
  const sign = (claims: Parameters<typeof signDevToken>[1], ttl?: string) =>
    signDevToken(SECRET, { issuer: 'gateway', audience: 'billing', ...claims }, ttl);

  it('turns the claims into a viewer', async () => {
    const token = await sign({ sub: 'ada', roles: ['admin'], adminGroupIds: ['g1', 'g2'] });
    expect(await verify(token)).toEqual({ id: 'ada', roles: ['admin'], adminGroupIds: ['g1', 'g2'] });
  });

  it('ignores roles it does not know', async () => {
    const token = await new SignJWT({ roles: ['superuser', 'service'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('drive')
      .setIssuer('gateway')
      .setAudience('billing')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(SECRET));
    expect((await verify(token)).roles).toEqual(['service']);
  });

  it.each([
    ['an expired token', () => sign({ sub: 'ada' }, '-1s')],
    ['another issuer', () => signDevToken(SECRET, { sub: 'ada', issuer: 'elsewhere', audience: 'billing' })],
    ['another audience', () => signDevToken(SECRET, { sub: 'ada', issuer: 'gateway', audience: 'other' })],
    [
      'another secret',
      () =>
        signDevToken('another-secret-of-at-least-thirty-two-chars', {
          sub: 'ada',
          issuer: 'gateway',
          audience: 'billing',
        }),
    ],
    [
      'no expiry',
      () =>
        new SignJWT({})
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject('ada')
          .setIssuer('gateway')
          .setAudience('billing')
          .sign(new TextEncoder().encode(SECRET)),
    ],
    [
      'an unsigned token',
      async () =>
        `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"ada","exp":9999999999}').toString('base64url')}.`,
    ],
    [
      'malformed group claims',
      () =>
        new SignJWT({ admin_group_ids: 'g1' })
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject('ada')
          .setIssuer('gateway')
          .setAudience('billing')
          .setExpirationTime('5m')
          .sign(new TextEncoder().encode(SECRET)),
    ],
  ])('rejects %s', async (_case, token) => {
    await expect(verify(await token())).rejects.toThrow(InvalidTokenError);
  });
});

describe('verifying gateway tokens against a JWKS (RS256, ES256)', () => {
  let server: Server;
  let jwksUrl: string;
  const keys: Record<string, Awaited<ReturnType<typeof generateKeyPair>>['privateKey']> = {};

  beforeAll(async () => {
    const rsa = await generateKeyPair('RS256');
    const ec = await generateKeyPair('ES256');
    keys.RS256 = rsa.privateKey;
    keys.ES256 = ec.privateKey;
    const jwks = {
      keys: [
        { ...(await exportJWK(rsa.publicKey)), kid: 'rsa', alg: 'RS256' },
        { ...(await exportJWK(ec.publicKey)), kid: 'ec', alg: 'ES256' },
      ],
    };
    server = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks)),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it.each([
    ['RS256', 'rsa'],
    ['ES256', 'ec'],
  ])('accepts a %s token signed by a published key', async (alg, kid) => {
    const verify = createTokenVerifier({ mode: 'jwks', jwksUrl });
    const token = await new SignJWT({ roles: ['service'] })
      .setProtectedHeader({ alg, kid })
      .setSubject('drive')
      .setExpirationTime('5m')
      .sign(keys[alg]!);
    expect(await verify(token)).toEqual({ id: 'drive', roles: ['service'], adminGroupIds: [] });
  });

  it('rejects an HS256 token, whatever its secret', async () => {
    const verify = createTokenVerifier({ mode: 'jwks', jwksUrl });
    await expect(verify(await signDevToken(SECRET, { sub: 'ada' }))).rejects.toThrow(InvalidTokenError);
  });
});

describe('remembering verified tokens', () => {
  it('accepts a remembered token only until it expires', async () => {
    let clock = Date.now();
    const verify = createTokenVerifier({ mode: 'hs256', secret: SECRET }, () => clock);
    const token = await signDevToken(SECRET, { sub: 'ada' }, '2s');
    expect((await verify(token)).id).toBe('ada');
    clock += 5_000;
    // Past `exp` on the verifier's clock: the remembered entry does not outlive it.
    await expect(verify(token)).rejects.toThrow(InvalidTokenError);
  });
});
