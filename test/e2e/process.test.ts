import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

const root = path.join(__dirname, '..', '..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');

describe('the service process', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'billing-process-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts on its embedded defaults, says where it listens, serves, and stops cleanly on SIGTERM', async () => {
    const child = spawn(tsx, ['src/main.ts'], {
      cwd: root,
      env: { ...process.env, PORT: '0', PGLITE_DATA_DIR: dataDir, STRIPE_EMULATOR_STATE_FILE: path.join(dataDir, 'stripe-emulator.json'), DATABASE_URL: '', STRIPE_SECRET_KEY: '', NODE_ENV: 'development' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let listening: { url: string; database: string; payments: string } | undefined;
    for await (const line of createInterface({ input: child.stdout! })) {
      const entry = JSON.parse(line) as { msg: string; url: string; database: string; payments: string };
      if (entry.msg === 'billing subgraph listening') {
        listening = entry;
        break;
      }
    }
    expect(listening).toMatchObject({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/), database: expect.stringContaining('PGlite'), payments: expect.stringContaining('emulated') });
    const ready = await fetch(listening!.url.replace('/graphql', '/health/ready'));
    expect(ready.status).toBe(200);

    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 60_000);

  it('refuses to print a development token in production', () => {
    const result = spawnSync(tsx, ['scripts/dev-token.ts', '--user', 'ada'], {
      cwd: root,
      env: { ...process.env, NODE_ENV: 'production', AUTH_JWT_SECRET: 'x'.repeat(40), DATABASE_URL: 'postgresql://x@127.0.0.1/x', STRIPE_SECRET_KEY: 'sk_test_x', STRIPE_WEBHOOK_SECRET: 'whsec_x', INVOICE_LINK_SECRET: 'y'.repeat(40), PUBLIC_BASE_URL: 'https://billing.example', SELLER_LEGAL_NAME: 'S', SELLER_ADDRESS_LINE1: 'A', SELLER_POSTAL_CODE: '1', SELLER_CITY: 'C', SELLER_COUNTRY: 'FR', SELLER_VAT_NUMBER: 'FR40303265045' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('refused when NODE_ENV=production');
    expect(result.stdout).toBe('');
  });

  it('exits listing every configuration problem', () => {
    const result = spawnSync(tsx, ['src/main.ts'], { cwd: root, env: { ...process.env, PORT: 'eighty', LOG_LEVEL: 'loud' }, encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/PORT/);
    expect(result.stderr).toMatch(/LOG_LEVEL/);
  });
});
