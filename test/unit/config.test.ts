import path from 'node:path';
import { ConfigError, DEV_AUTH_SECRET, DEV_INVOICE_LINK_SECRET, loadConfig } from '../../src/config';

/** A complete production environment, secrets made up for the test. */
const PRODUCTION = {
  NODE_ENV: 'production',
  AUTH_JWT_SECRET: 'q8Vf2Lr9Xw4Tz7Nb1Kc6Hs3Jd5Pm0Ga8Ue',
  DATABASE_URL: 'postgresql://x@127.0.0.1/x',
  STRIPE_SECRET_KEY: 'sk_test_x',
  STRIPE_WEBHOOK_SECRET: 'whsec_x',
  INVOICE_LINK_SECRET: 'Yt5Re8Wq2Zx7Cv4Bn1Mk9Lp6Jh3Gf0DsAi',
  PUBLIC_BASE_URL: 'https://billing.example',
  SELLER_LEGAL_NAME: 'S',
  SELLER_ADDRESS_LINE1: 'A',
  SELLER_POSTAL_CODE: '1',
  SELLER_CITY: 'C',
  SELLER_COUNTRY: 'FR',
  SELLER_VAT_NUMBER: 'FR40303265045',
};

describe('configuration', () => {
  it('runs on the embedded defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config.http).toEqual({ host: '127.0.0.1', port: 4001, bodyLimitBytes: 100_000 });
    expect(config.database).toMatchObject({ kind: 'pglite' });
    // The embedded emulator keeps its state beside the embedded database.
    expect(config.payments).toEqual({
      mode: 'emulator',
      port: 0,
      stateFile: path.resolve('.data/pglite-stripe-emulator.json'),
    });
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
    const production = PRODUCTION;
    expect(loadConfig({}).adminPlayground).toBe(true);
    expect(loadConfig({ ADMIN_PLAYGROUND: 'false' }).adminPlayground).toBe(false);
    expect(loadConfig(production).adminPlayground).toBe(false);
    expect(loadConfig({ ...production, ADMIN_PLAYGROUND: 'true' }).adminPlayground).toBe(true);
    expect(() => loadConfig({ ADMIN_PLAYGROUND: 'yes' })).toThrow(/ADMIN_PLAYGROUND/);
  });

  it('numbers credit notes in a series of their own and checks the French company numbers', () => {
    expect(loadConfig({}).invoicing.creditNoteNumberTemplate).toBe('A{year}-{seq:6}');
    expect(() => loadConfig({ CREDIT_NOTE_NUMBER_FORMAT: 'F{year}-{seq:4}' })).toThrow(
      /CREDIT_NOTE_NUMBER_FORMAT: credit notes need a series of their own/,
    );
    expect(() => loadConfig({ SELLER_SIREN: '30326504', SELLER_SIRET: '1234' })).toThrow(
      /SELLER_SIREN: must be the 9 digits[\s\S]*SELLER_SIRET: must be the 14 digits/,
    );
    expect(() => loadConfig({ SELLER_SIREN: '303265045', SELLER_SIRET: '12345678900012' })).toThrow(
      /SELLER_SIRET: must start with SELLER_SIREN/,
    );
  });

  it("keeps the embedded emulator's state per PostgreSQL database in development, without the credentials", () => {
    const payments = (url: string) => loadConfig({ DATABASE_URL: url }).payments;
    expect(payments('postgresql://u:secret@127.0.0.1:5432/billing')).toEqual({
      mode: 'emulator',
      port: 0,
      stateFile: path.resolve('.data/stripe-emulator-127.0.0.1-5432-billing.json'),
    });
    expect(payments('postgres://db.local/other')).toMatchObject({
      stateFile: path.resolve('.data/stripe-emulator-db.local-5432-other.json'),
    });
    expect(loadConfig({ DATABASE_URL: 'postgresql://u@h/x', PGLITE_DATA_DIR: 'var/db' }).payments).toMatchObject({
      stateFile: path.resolve('var/stripe-emulator-h-5432-x.json'),
    });
  });

  it('asks the VIES registry about VAT numbers in production unless told not to, and never elsewhere unless told to', () => {
    const vies = (env: Record<string, string>) => loadConfig(env).invoicing.viesCheck;
    expect(vies({})).toBe(false);
    expect(vies({ VAT_VIES_CHECK: 'true' })).toBe(true);
    expect(vies(PRODUCTION)).toBe(true);
    expect(vies({ ...PRODUCTION, VAT_VIES_CHECK: 'false' })).toBe(false);
  });

  it('keeps the embedded emulator in memory outside development, unless told where to keep its state', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).payments).toEqual({ mode: 'emulator', port: 0, stateFile: null });
    expect(loadConfig({ NODE_ENV: 'test', STRIPE_EMULATOR_STATE_FILE: 'x/state.json' }).payments).toMatchObject({
      stateFile: path.resolve('x/state.json'),
    });
  });

  it('shares a standalone emulator when STRIPE_EMULATOR_URL is set, with the webhook secret it signs with', () => {
    expect(
      loadConfig({ STRIPE_EMULATOR_URL: 'http://127.0.0.1:12111', STRIPE_WEBHOOK_SECRET: 'whsec_x' }).payments,
    ).toEqual({ mode: 'standalone-emulator', url: 'http://127.0.0.1:12111', webhookSecret: 'whsec_x' });
    expect(() => loadConfig({ STRIPE_EMULATOR_URL: 'http://127.0.0.1:12111' })).toThrow(
      /STRIPE_WEBHOOK_SECRET: required with STRIPE_EMULATOR_URL/,
    );
    expect(() =>
      loadConfig({ STRIPE_EMULATOR_URL: 'http://10.0.0.1:12111', STRIPE_WEBHOOK_SECRET: 'whsec_x' }),
    ).toThrow(/STRIPE_EMULATOR_URL/);
  });
});

describe('production secrets', () => {
  const problemsOf = (environment: Record<string, string>) => {
    try {
      loadConfig({ NODE_ENV: 'production', ...environment });
    } catch (error) {
      return (error as ConfigError).problems;
    }
    return [];
  };

  it('refuses the development secrets published in the source, even set explicitly', () => {
    const problems = problemsOf({ AUTH_JWT_SECRET: DEV_AUTH_SECRET, INVOICE_LINK_SECRET: DEV_INVOICE_LINK_SECRET });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^AUTH_JWT_SECRET: is a development secret/),
        expect.stringMatching(/^INVOICE_LINK_SECRET: is a development secret/),
      ]),
    );
  });

  it.each([
    ['shorter than 32 bytes', 'Zk3#pQ9!xW2@', /at least 32 bytes/],
    ['of low variety', 'abababababababababababababababababab', /too little variety/],
  ])('refuses a secret %s', (_case, secret, problem) => {
    for (const name of ['AUTH_JWT_SECRET', 'INVOICE_LINK_SECRET', 'GATEWAY_SECRET']) {
      expect(problemsOf({ [name]: secret })).toContainEqual(
        expect.stringMatching(new RegExp(`^${name}: .*${problem.source}`)),
      );
    }
  });

  it('accepts a random secret', () => {
    const problems = problemsOf({
      AUTH_JWT_SECRET: 'q8Vf2Lr9Xw4Tz7Nb1Kc6Hs3Jd5Pm0Ga8',
      GATEWAY_SECRET: 'Yt5Re8Wq2Zx7Cv4Bn1Mk9Lp6Jh3Gf0Ds',
    });
    expect(problems.filter((problem) => /^(AUTH_JWT_SECRET|GATEWAY_SECRET):/.test(problem))).toEqual([]);
  });

  it('leaves development free to use the published secrets', () => {
    expect(loadConfig({ AUTH_JWT_SECRET: DEV_AUTH_SECRET }).auth).toMatchObject({ secret: DEV_AUTH_SECRET });
  });
});
