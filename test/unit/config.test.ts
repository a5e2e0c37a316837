import path from 'node:path';
import { ConfigError, DEV_AUTH_SECRET, loadConfig } from '../../src/config';

describe('configuration', () => {
  it('runs on the embedded defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config.http).toEqual({ host: '127.0.0.1', port: 4001, bodyLimitBytes: 100_000 });
    expect(config.database).toMatchObject({ kind: 'pglite' });
    // The embedded emulator keeps its state beside the embedded database.
    expect(config.payments).toEqual({ mode: 'emulator', port: 0, stateFile: path.resolve('.data/pglite-stripe-emulator.json') });
    expect(config.auth).toMatchObject({ mode: 'hs256', secret: DEV_AUTH_SECRET });
    expect(config.catalog.map((plan) => plan.id)).toEqual(['free', 'lite', 'pro', 'ultra']);
  });

  it('uses PostgreSQL when DATABASE_URL is set', () => {
    const config = loadConfig({ DATABASE_URL: 'postgresql://u@127.0.0.1:5432/billing', DATABASE_POOL_SIZE: '4' });
    expect(config.database).toEqual({ kind: 'postgres', url: 'postgresql://u@127.0.0.1:5432/billing', poolSize: 4 });
  });

  it('lists every problem at once', () => {
    const attempt = () => loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const problems = (error as ConfigError).problems.join('\n');
      expect(problems).toMatch(/PORT/);
      expect(problems).toMatch(/DATABASE_URL/);
      expect(problems).toMatch(/LOG_LEVEL/);
    }
  });

  it('refuses production without real secrets, database and payment provider', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      expect.objectContaining({
        problems: expect.arrayContaining([
          expect.stringMatching(/^AUTH_JWT_SECRET or AUTH_JWKS_URL/),
          expect.stringMatching(/^DATABASE_URL/),
          expect.stringMatching(/^STRIPE_SECRET_KEY/),
        ]),
      }),
    );
  });

  it('keeps the embedded emulator in memory outside development, unless told where to keep its state', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).payments).toEqual({ mode: 'emulator', port: 0, stateFile: null });
    expect(loadConfig({ NODE_ENV: 'test', STRIPE_EMULATOR_STATE_FILE: 'x/state.json' }).payments).toMatchObject({ stateFile: path.resolve('x/state.json') });
  });

  it('shares a standalone emulator when STRIPE_EMULATOR_URL is set, with the webhook secret it signs with', () => {
    expect(loadConfig({ STRIPE_EMULATOR_URL: 'http://127.0.0.1:12111', STRIPE_WEBHOOK_SECRET: 'whsec_x' }).payments).toEqual({ mode: 'standalone-emulator', url: 'http://127.0.0.1:12111', webhookSecret: 'whsec_x' });
    expect(() => loadConfig({ STRIPE_EMULATOR_URL: 'http://127.0.0.1:12111' })).toThrow(/STRIPE_WEBHOOK_SECRET: required with STRIPE_EMULATOR_URL/);
    expect(() => loadConfig({ STRIPE_EMULATOR_URL: 'http://10.0.0.1:12111', STRIPE_WEBHOOK_SECRET: 'whsec_x' })).toThrow(/STRIPE_EMULATOR_URL/);
  });
});
