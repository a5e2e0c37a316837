import pino from 'pino';
import { createApp, StartupError } from '../../src/app';
import { testConfig } from '../support/test-app';
import { createPostgresDatabase } from '../support/test-database';

const silent = pino({ level: 'silent' });
const onPostgres = process.env.DATABASE_URL ? describe : describe.skip;

onPostgres('emulator mode with several replicas on one PostgreSQL database', () => {
  it('refuses a second embedded emulator with a message that says how to share one, and allows it once the first stops', async () => {
    const { url, drop } = await createPostgresDatabase({ migrated: true });
    try {
      const config = testConfig({ DATABASE_URL: url });
      const first = await createApp(config, { logger: silent });
      const second = createApp(config, { logger: silent });
      await expect(second).rejects.toThrow(StartupError);
      await expect(second).rejects.toThrow(/own embedded Stripe emulator.*STRIPE_EMULATOR_URL/);
      await first.close();
      const third = await createApp(config, { logger: silent });
      await third.close();
    } finally {
      await drop();
    }
  });

  it('lets every replica share a standalone emulator named by STRIPE_EMULATOR_URL', async () => {
    const { url, drop } = await createPostgresDatabase({ migrated: true });
    try {
      const first = await createApp(testConfig({ DATABASE_URL: url }), { logger: silent });
      const standalone = first.stripeEmulator!;
      const shared = testConfig({
        DATABASE_URL: url,
        STRIPE_EMULATOR_URL: standalone.url,
        STRIPE_WEBHOOK_SECRET: 'whsec_shared',
      });
      const replica = await createApp(shared, { logger: silent });
      expect(replica.paymentsDescription).toBe(`emulated (shared standalone Stripe emulator at ${standalone.url})`);
      expect(replica.stripeEmulator).toBeNull();
      await replica.close();
      await first.close();
    } finally {
      await drop();
    }
  });
});
