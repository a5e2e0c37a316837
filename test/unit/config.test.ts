import { ConfigError, DEV_AUTH_SECRET, loadConfig } from '../../src/config';

describe('configuration', () => {
  it('runs on the embedded defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config.http).toEqual({ host: '127.0.0.1', port: 4001, bodyLimitBytes: 100_000 });
    expect(config.database).toMatchObject({ kind: 'pglite' });
    expect(config.payments).toEqual({ mode: 'emulator', port: 0 });
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

  it('serves the admin playground in development, and in production only when asked', () => {
    const production = {
      NODE_ENV: 'production', AUTH_JWT_SECRET: 'x'.repeat(40), DATABASE_URL: 'postgresql://x@127.0.0.1/x', STRIPE_SECRET_KEY: 'sk_test_x',
      STRIPE_WEBHOOK_SECRET: 'whsec_x', INVOICE_LINK_SECRET: 'y'.repeat(40), PUBLIC_BASE_URL: 'https://billing.example',
      SELLER_LEGAL_NAME: 'S', SELLER_ADDRESS_LINE1: 'A', SELLER_POSTAL_CODE: '1', SELLER_CITY: 'C', SELLER_COUNTRY: 'FR', SELLER_VAT_NUMBER: 'FR40303265045',
    };
    expect(loadConfig({}).adminPlayground).toBe(true);
    expect(loadConfig({ ADMIN_PLAYGROUND: 'false' }).adminPlayground).toBe(false);
    expect(loadConfig(production).adminPlayground).toBe(false);
    expect(loadConfig({ ...production, ADMIN_PLAYGROUND: 'true' }).adminPlayground).toBe(true);
    expect(() => loadConfig({ ADMIN_PLAYGROUND: 'yes' })).toThrow(/ADMIN_PLAYGROUND/);
  });

  it('numbers credit notes in a series of their own and checks the French company numbers', () => {
    expect(loadConfig({}).invoicing.creditNoteNumberTemplate).toBe('A{year}-{seq:6}');
    expect(() => loadConfig({ CREDIT_NOTE_NUMBER_FORMAT: 'F{year}-{seq:4}' })).toThrow(/CREDIT_NOTE_NUMBER_FORMAT: credit notes need a series of their own/);
    expect(() => loadConfig({ SELLER_SIREN: '30326504', SELLER_SIRET: '1234' })).toThrow(/SELLER_SIREN: must be the 9 digits[\s\S]*SELLER_SIRET: must be the 14 digits/);
    expect(() => loadConfig({ SELLER_SIREN: '303265045', SELLER_SIRET: '12345678900012' })).toThrow(/SELLER_SIRET: must start with SELLER_SIREN/);
  });
});
