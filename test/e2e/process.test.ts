import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';

const root = path.join(__dirname, '..', '..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
/** The service as `npm start` runs it: one node process, so a signal reaches the service's own handlers. */
const SERVICE = ['--import', 'tsx', 'src/main.ts'];

describe('the service process', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'billing-process-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts on its embedded defaults, says where it listens, serves, and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, SERVICE, {
      cwd: root,
      env: {
        ...process.env,
        PORT: '0',
        PGLITE_DATA_DIR: dataDir,
        STRIPE_EMULATOR_STATE_FILE: path.join(dataDir, 'stripe-emulator.json'),
        DATABASE_URL: '',
        STRIPE_SECRET_KEY: '',
        NODE_ENV: 'development',
      },
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
    expect(listening).toMatchObject({
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/),
      database: expect.stringContaining('PGlite'),
      payments: expect.stringContaining('emulated'),
    });
    const ready = await fetch(listening!.url.replace('/graphql', '/health/ready'));
    expect(ready.status).toBe(200);

    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 60_000);

  it('refuses to print a development token in production', () => {
    const result = spawnSync(tsx, ['scripts/dev-token.ts', '--user', 'ada'], {
      cwd: root,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        AUTH_JWT_SECRET: 'q8Vf2Lr9Xw4Tz7Nb1Kc6Hs3Jd5Pm0Ga8',
        DATABASE_URL: 'postgresql://x@127.0.0.1/x',
        STRIPE_SECRET_KEY: 'sk_test_x',
        STRIPE_WEBHOOK_SECRET: 'whsec_x',
        INVOICE_LINK_SECRET: 'Yt5Re8Wq2Zx7Cv4Bn1Mk9Lp6Jh3Gf0Ds',
        PUBLIC_BASE_URL: 'https://billing.example',
        SELLER_LEGAL_NAME: 'S',
        SELLER_ADDRESS_LINE1: 'A',
        SELLER_POSTAL_CODE: '1',
        SELLER_CITY: 'C',
        SELLER_COUNTRY: 'FR',
        SELLER_VAT_NUMBER: 'FR40303265045',
      },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('refused when NODE_ENV=production');
    expect(result.stdout).toBe('');
  });

  it('exits listing every configuration problem', () => {
    const result = spawnSync(process.execPath, SERVICE, {
      cwd: root,
      env: { ...process.env, PORT: 'eighty', LOG_LEVEL: 'loud', HOST: 'not a host!' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/PORT/);
    expect(result.stderr).toMatch(/LOG_LEVEL/);
    expect(result.stderr).toMatch(/HOST: must be an IP address or a host name/);
  });

  it('lists a taken port and an unreachable database together, one line each, before any slow set-up', async () => {
    const taken = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => taken.once('listening', resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      const child = spawn(process.execPath, SERVICE, {
        cwd: root,
        env: {
          ...process.env,
          NODE_ENV: 'development',
          PORT: String(port),
          DATABASE_URL: 'postgresql://billing:secret@127.0.0.1:1/billing',
          STRIPE_SECRET_KEY: '',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      let stdout = '';
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      const status = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(status).toBe(1);
      const lines = stderr.trim().split('\n');
      expect(lines).toEqual([
        'Cannot start:',
        `  - HOST/PORT: cannot listen on 127.0.0.1:${port}: port ${port} is already in use`,
        expect.stringMatching(
          /^ {2}- DATABASE_URL: cannot connect to postgresql:\/\/billing:\*+@127\.0\.0\.1:1\/billing: ECONNREFUSED/,
        ),
      ]);
      expect(stderr).not.toContain('secret');
      // Nothing slow ran: no migration, no emulator, no log line at all.
      expect(stdout).toBe('');
    } finally {
      taken.close();
    }
  }, 60_000);
});
