import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import Stripe from 'stripe';
import { startWebhookReceiver } from './emulator-harness.ts';

const PACKAGE = join(__dirname, '..');
const REPOSITORY = join(PACKAGE, '..', '..');

/** Starts `tsx src/main.ts` and resolves with the URL it prints. */
function startStandalone(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [join(REPOSITORY, 'node_modules/tsx/dist/cli.mjs'), join(PACKAGE, 'src/main.ts')],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'ignore'] },
  );
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const url = /listening on (http:\/\/\S+)/.exec(line)?.[1];
      if (url) resolve({ child, url });
    });
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
  });
}

describe('the standalone emulator', () => {
  it('listens where the environment says and serves the SDK until stopped', async () => {
    const { child, url } = await startStandalone({ EMULATOR_PORT: '0', EMULATOR_HOST: '127.0.0.1' });
    try {
      const { hostname, port } = new URL(url);
      expect(hostname).toBe('127.0.0.1');
      const stripe = new Stripe('sk_test_standalone', {
        host: hostname,
        port: Number(port),
        protocol: 'http',
        maxNetworkRetries: 0,
      });
      expect((await stripe.customers.create({ name: 'Standalone' })).name).toBe('Standalone');
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });

  it('delivers webhooks with chaos configured from its environment', async () => {
    const receiver = await startWebhookReceiver();
    const { child, url } = await startStandalone({
      EMULATOR_PORT: '0',
      EMULATOR_WEBHOOK_URL: receiver.url,
      EMULATOR_WEBHOOK_SECRET: receiver.secret,
      EMULATOR_CHAOS_SEED: '3',
      EMULATOR_CHAOS_DUPLICATE_RATE: '1',
      EMULATOR_CHAOS_MAX_DELAY_MS: '20',
    });
    try {
      const { hostname, port } = new URL(url);
      const stripe = new Stripe('sk_test_standalone', {
        host: hostname,
        port: Number(port),
        protocol: 'http',
        maxNetworkRetries: 0,
      });
      await stripe.customers.create({});
      for (let i = 0; i < 100 && receiver.received.length < 2; i += 1)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect(receiver.received.map((event) => event.type)).toEqual(['customer.created', 'customer.created']);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      await receiver.close();
    }
  });

  it('refuses to listen beyond loopback', async () => {
    await expect(startStandalone({ EMULATOR_PORT: '0', EMULATOR_HOST: '0.0.0.0' })).rejects.toThrow('exited with 1');
  });
});
