// `npm run token -- --user <id> [--admin] [--service] [--group-admin <id>]...`: prints a token the
// service accepts with its current configuration. Refused in production and with JWKS (no secret here).
import { parseArgs } from 'node:util';
import { signDevToken } from '../src/auth/dev-token.ts';
import type { Role } from '../src/auth/viewer.ts';
import { loadConfig } from '../src/config.ts';

const { values } = parseArgs({
  options: {
    user: { type: 'string' },
    admin: { type: 'boolean', default: false },
    service: { type: 'boolean', default: false },
    'group-admin': { type: 'string', multiple: true, default: [] },
    ttl: { type: 'string', default: '12h' },
  },
});

async function main(): Promise<void> {
  const config = loadConfig();
  if (config.env === 'production') throw new Error('dev tokens are refused when NODE_ENV=production');
  if (config.auth.mode !== 'hs256')
    throw new Error('dev tokens need AUTH_JWT_SECRET (HS256); this configuration uses a JWKS URL');
  if (!values.user)
    throw new Error('usage: npm run token -- --user <id> [--admin] [--service] [--group-admin <id>]...');
  const roles: Role[] = [
    ...(values.admin ? (['admin'] as const) : []),
    ...(values.service ? (['service'] as const) : []),
  ];
  const token = await signDevToken(
    config.auth.secret,
    {
      sub: values.user,
      roles,
      adminGroupIds: values['group-admin'],
      issuer: config.auth.issuer,
      audience: config.auth.audience,
    },
    values.ttl,
  );
  console.log(token);
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
