// The only reader of process.env: one schema turns the environment into a typed, validated Config,
// listing every problem at once. Defaults are the embedded ones (PGlite, Stripe emulator, dev secret).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { InvoicingSettings, SellerIdentity } from './billing/invoices/invoicing-settings.ts';
import { DEFAULT_PLAN_CATALOG, type CatalogPlan } from './billing/plans/plan-catalog.ts';
import type { DatabaseTarget } from './db/database.ts';

/** Accepted only outside production, so a forgotten secret can never reach a real deployment. */
export const DEV_AUTH_SECRET = 'dev-only-billing-subgraph-secret-not-for-production';

export type AuthConfig =
  | { mode: 'hs256'; secret: string; issuer?: string; audience?: string }
  | { mode: 'jwks'; jwksUrl: string; issuer?: string; audience?: string };

export type PaymentsConfig =
  | { mode: 'stripe'; secretKey: string; webhookSecret: string }
  /** `stateFile`: where the embedded emulator keeps its objects across restarts (null: memory only). */
  | { mode: 'emulator'; port: number; stateFile: string | null }
  /** A standalone emulator every replica shares (`npm run stripe-emulator`); it signs webhooks with `webhookSecret`. */
  | { mode: 'standalone-emulator'; url: string; webhookSecret: string };

const DEFAULT_PAYMENT_TERMS =
  'Payable on receipt, charged to the payment method on file; no discount for early payment.';
const DEFAULT_LATE_PAYMENT_PENALTY = 'three times the French legal interest rate';

/** A placeholder seller for development: production must configure the real one. */
const DEV_SELLER: SellerIdentity = {
  legalName: 'Bloom SAS (development)',
  addressLine1: '1 rue de la Paix',
  addressLine2: null,
  postalCode: '75002',
  city: 'Paris',
  country: 'FR',
  vatNumber: 'FR40303265045',
  legalForm: 'SAS',
  shareCapital: '10,000 EUR',
  siren: '303265045',
  siret: '30326504500012',
  registration: 'RCS Paris 303 265 045',
  vatOnDebits: false,
  paymentTerms: DEFAULT_PAYMENT_TERMS,
  latePaymentPenalty: DEFAULT_LATE_PAYMENT_PENALTY,
};

export const DEV_INVOICE_LINK_SECRET = 'dev-only-invoice-link-secret-not-for-production';

export interface Config {
  env: 'development' | 'test' | 'production';
  http: { host: string; port: number; bodyLimitBytes: number };
  database: DatabaseTarget;
  auth: AuthConfig;
  payments: PaymentsConfig;
  catalog: readonly CatalogPlan[];
  caches: {
    customerEntries: number;
    customerTtlMs: number;
    planCatalogTtlMs: number;
    customerProjectionEntries: number;
  };
  gracePeriodDays: number;
  jobs: { pollingIntervalSeconds: number; reconciliationCron: string; graceExpiryCron: string };
  webhookBodyLimitBytes: number;
  invoicing: InvoicingSettings;
  /** Serve the GraphiQL admin playground at `/admin` (and `GET /graphql` from a browser). */
  adminPlayground: boolean;
  graphql: GraphQLLimits;
  /** Provider-calling operations each viewer may send per window, counted in the database for all replicas. */
  providerRateLimit: { operations: number; windowSeconds: number };
  /** When set, every GraphQL request must carry it in `x-gateway-secret`: the subgraph answers its router alone. */
  gatewaySecret: string | null;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

/** What one GraphQL request may ask for, checked before any resolver runs. */
export interface GraphQLLimits {
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  maxTokens: number;
  maxCost: number;
  /** The size assumed for a list field without `first` (plans, payment methods, invoice lines). */
  assumedListSize: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const port = z.coerce.number().int().min(0).max(65535);

const CRON = /^\S+( \S+){4}$/;
/** An IPv4 or IPv6 address, or a host name (labels of letters, digits and hyphens). */
const HOST =
  /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-fA-F:]*:[0-9a-fA-F:.]*|(?=.{1,253}$)[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*)$/;

const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().regex(HOST, 'must be an IP address or a host name').default('127.0.0.1'),
  PORT: port.default(4001),
  HTTP_BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(100_000),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL')
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  PGLITE_DATA_DIR: z.string().min(1).default('.data/pglite'),
  AUTH_JWT_SECRET: z.string().optional(),
  AUTH_JWKS_URL: z.url().optional(),
  AUTH_ISSUER: z.string().min(1).optional(),
  AUTH_AUDIENCE: z.string().min(1).optional(),
  STRIPE_SECRET_KEY: z
    .string()
    .regex(/^(sk|rk)_(test|live)_/, 'must be a Stripe secret or restricted key')
    .optional(),
  STRIPE_WEBHOOK_SECRET: z
    .string()
    .regex(/^whsec_/, 'must start with whsec_')
    .optional(),
  STRIPE_EMULATOR_PORT: port.default(0),
  STRIPE_EMULATOR_STATE_FILE: z.string().min(1).optional(),
  STRIPE_EMULATOR_URL: z
    .url()
    .regex(/^http:\/\/127\.0\.0\.1:\d+\/?$/, 'must be http://127.0.0.1:<port> (the emulator listens on loopback only)')
    .optional(),
  PLAN_CATALOG_FILE: z.string().min(1).optional(),
  CUSTOMER_CACHE_SIZE: z.coerce.number().int().min(0).default(10_000),
  CUSTOMER_PROJECTION_SIZE: z.coerce.number().int().min(0).default(2_000_000),
  CUSTOMER_CACHE_TTL_SECONDS: z.coerce.number().int().positive().default(60),
  PLAN_CATALOG_CACHE_TTL_SECONDS: z.coerce.number().int().positive().default(300),
  JOB_POLLING_INTERVAL_SECONDS: z.coerce.number().min(0.5).max(60).default(2),
  RECONCILIATION_CRON: z.string().regex(CRON, 'must be a five-field cron expression').default('17 * * * *'),
  GRACE_EXPIRY_CRON: z.string().regex(CRON, 'must be a five-field cron expression').default('*/5 * * * *'),
  WEBHOOK_BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(524_288),
  SELLER_LEGAL_NAME: z.string().min(1).optional(),
  SELLER_ADDRESS_LINE1: z.string().min(1).optional(),
  SELLER_ADDRESS_LINE2: z.string().min(1).optional(),
  SELLER_POSTAL_CODE: z.string().min(1).optional(),
  SELLER_CITY: z.string().min(1).optional(),
  SELLER_COUNTRY: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code')
    .optional(),
  SELLER_VAT_NUMBER: z.string().min(4).optional(),
  SELLER_LEGAL_FORM: z.string().min(1).optional(),
  SELLER_SHARE_CAPITAL: z.string().min(1).optional(),
  SELLER_SIREN: z
    .string()
    .regex(/^\d{9}$/, 'must be the 9 digits of a SIREN')
    .optional(),
  SELLER_SIRET: z
    .string()
    .regex(/^\d{14}$/, 'must be the 14 digits of a SIRET')
    .optional(),
  SELLER_REGISTRATION: z.string().min(1).optional(),
  SELLER_VAT_ON_DEBITS: z.enum(['true', 'false']).default('false'),
  INVOICE_PAYMENT_TERMS: z.string().min(1).default(DEFAULT_PAYMENT_TERMS),
  INVOICE_LATE_PAYMENT_PENALTY: z.string().min(1).default(DEFAULT_LATE_PAYMENT_PENALTY),
  INVOICE_NUMBER_FORMAT: z.string().min(1).default('F{year}-{seq:6}'),
  CREDIT_NOTE_NUMBER_FORMAT: z.string().min(1).default('A{year}-{seq:6}'),
  INVOICE_TIME_ZONE: z.string().min(1).default('Europe/Paris'),
  VAT_VIES_CHECK: z.enum(['true', 'false']).optional(),
  INVOICE_LINK_SECRET: z.string().optional(),
  INVOICE_LINK_TTL_SECONDS: z.coerce.number().int().min(10).max(3600).default(300),
  PUBLIC_BASE_URL: z.url().optional(),
  GRACE_PERIOD_DAYS: z.coerce.number().int().min(0).max(90).default(14),
  ADMIN_PLAYGROUND: z.enum(['true', 'false']).optional(),
  GRAPHQL_MAX_DEPTH: z.coerce.number().int().min(2).max(100).default(12),
  GRAPHQL_MAX_ALIASES: z.coerce.number().int().min(0).max(1000).default(30),
  GRAPHQL_MAX_DIRECTIVES: z.coerce.number().int().min(0).max(1000).default(50),
  GRAPHQL_MAX_TOKENS: z.coerce.number().int().min(100).max(1_000_000).default(5000),
  GRAPHQL_MAX_COST: z.coerce.number().int().min(10).max(10_000_000).default(20_000),
  GRAPHQL_ASSUMED_LIST_SIZE: z.coerce.number().int().min(1).max(1000).default(10),
  PROVIDER_RATE_LIMIT: z.coerce.number().int().min(1).max(100_000).default(20),
  PROVIDER_RATE_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  GATEWAY_SECRET: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

const byteCount = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform((v) => BigInt(v));
const catalogSchema = z
  .array(
    z.object({
      id: z.string().regex(/^[a-z0-9-]+$/),
      name: z.string().min(1),
      driveStorageBytes: byteCount,
      parallelDownloads: z.number().int().positive(),
      isDefault: z.boolean().default(false),
      prices: z
        .array(
          z.object({
            interval: z.enum(['MONTH', 'YEAR']),
            amount: z.number().int().positive(),
            currency: z.string().regex(/^[A-Z]{3}$/),
          }),
        )
        .default([]),
    }),
  )
  .refine((plans) => plans.filter((p) => p.isDefault).length === 1, 'exactly one plan must be the default (free) plan');

export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Config {
  const parsed = environmentSchema.safeParse(emptyAsUnset(environment));
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  const env = parsed.data;
  const problems: string[] = [];
  const production = env.NODE_ENV === 'production';

  if (env.AUTH_JWT_SECRET && env.AUTH_JWKS_URL) problems.push('AUTH_JWT_SECRET and AUTH_JWKS_URL: set one, not both');
  if (production && !env.AUTH_JWT_SECRET && !env.AUTH_JWKS_URL) {
    problems.push('AUTH_JWT_SECRET or AUTH_JWKS_URL: required in production');
  }
  if (production && !env.DATABASE_URL)
    problems.push('DATABASE_URL: required in production (PGlite is for development)');
  if (production && !env.STRIPE_SECRET_KEY)
    problems.push('STRIPE_SECRET_KEY: required in production (the emulator is for development)');
  if (env.STRIPE_SECRET_KEY && !env.STRIPE_WEBHOOK_SECRET)
    problems.push('STRIPE_WEBHOOK_SECRET: required with STRIPE_SECRET_KEY');
  if (env.STRIPE_EMULATOR_URL && env.STRIPE_SECRET_KEY)
    problems.push('STRIPE_EMULATOR_URL and STRIPE_SECRET_KEY: set one, not both');
  if (env.STRIPE_EMULATOR_URL && !env.STRIPE_WEBHOOK_SECRET)
    problems.push(
      'STRIPE_WEBHOOK_SECRET: required with STRIPE_EMULATOR_URL (the EMULATOR_WEBHOOK_SECRET the standalone emulator signs with)',
    );

  const sellerVariables = [
    'SELLER_LEGAL_NAME',
    'SELLER_ADDRESS_LINE1',
    'SELLER_POSTAL_CODE',
    'SELLER_CITY',
    'SELLER_COUNTRY',
    'SELLER_VAT_NUMBER',
  ] as const;
  const missingSeller = sellerVariables.filter((name) => !env[name]);
  if (missingSeller.length > 0 && missingSeller.length < sellerVariables.length) {
    problems.push(`${missingSeller.join(', ')}: the seller's identity is all or nothing`);
  }
  if (production && missingSeller.length > 0)
    problems.push(`${missingSeller.join(', ')}: the seller's identity is required in production`);
  if (production && !env.INVOICE_LINK_SECRET) problems.push('INVOICE_LINK_SECRET: required in production');
  for (const [name, value] of [
    ['AUTH_JWT_SECRET', env.AUTH_JWT_SECRET],
    ['INVOICE_LINK_SECRET', env.INVOICE_LINK_SECRET],
    ['GATEWAY_SECRET', env.GATEWAY_SECRET],
  ] as const) {
    const weakness = value === undefined ? null : secretWeakness(value, production);
    if (weakness) problems.push(`${name}: ${weakness}`);
  }
  if (production && !env.PUBLIC_BASE_URL)
    problems.push('PUBLIC_BASE_URL: required in production (invoice PDF links point there)');
  if (env.SELLER_SIRET && env.SELLER_SIREN && !env.SELLER_SIRET.startsWith(env.SELLER_SIREN)) {
    problems.push('SELLER_SIRET: must start with SELLER_SIREN (an establishment of that company)');
  }
  if (env.CREDIT_NOTE_NUMBER_FORMAT.replace(/\{[^}]*\}/g, '') === env.INVOICE_NUMBER_FORMAT.replace(/\{[^}]*\}/g, '')) {
    problems.push(
      'CREDIT_NOTE_NUMBER_FORMAT: credit notes need a series of their own (a different prefix from INVOICE_NUMBER_FORMAT)',
    );
  }
  if (!isTimeZone(env.INVOICE_TIME_ZONE))
    problems.push(`INVOICE_TIME_ZONE: unknown time zone ${env.INVOICE_TIME_ZONE}`);

  const catalog = env.PLAN_CATALOG_FILE ? readCatalog(env.PLAN_CATALOG_FILE, problems) : DEFAULT_PLAN_CATALOG;
  if (problems.length > 0) throw new ConfigError(problems);

  const claims = { issuer: env.AUTH_ISSUER, audience: env.AUTH_AUDIENCE };
  return {
    env: env.NODE_ENV,
    http: { host: env.HOST, port: env.PORT, bodyLimitBytes: env.HTTP_BODY_LIMIT_BYTES },
    database: env.DATABASE_URL
      ? { kind: 'postgres', url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE }
      : { kind: 'pglite', dataDir: path.resolve(env.PGLITE_DATA_DIR) },
    auth: env.AUTH_JWKS_URL
      ? { mode: 'jwks', jwksUrl: env.AUTH_JWKS_URL, ...claims }
      : { mode: 'hs256', secret: env.AUTH_JWT_SECRET ?? DEV_AUTH_SECRET, ...claims },
    payments:
      env.STRIPE_SECRET_KEY && env.STRIPE_WEBHOOK_SECRET
        ? { mode: 'stripe', secretKey: env.STRIPE_SECRET_KEY, webhookSecret: env.STRIPE_WEBHOOK_SECRET }
        : env.STRIPE_EMULATOR_URL && env.STRIPE_WEBHOOK_SECRET
          ? {
              mode: 'standalone-emulator',
              url: env.STRIPE_EMULATOR_URL.replace(/\/$/, ''),
              webhookSecret: env.STRIPE_WEBHOOK_SECRET,
            }
          : { mode: 'emulator', port: env.STRIPE_EMULATOR_PORT, stateFile: emulatorStateFile(env) },
    catalog,
    caches: {
      customerEntries: env.CUSTOMER_CACHE_SIZE,
      customerTtlMs: env.CUSTOMER_CACHE_TTL_SECONDS * 1000,
      planCatalogTtlMs: env.PLAN_CATALOG_CACHE_TTL_SECONDS * 1000,
      customerProjectionEntries: env.CUSTOMER_PROJECTION_SIZE,
    },
    gracePeriodDays: env.GRACE_PERIOD_DAYS,
    jobs: {
      pollingIntervalSeconds: env.JOB_POLLING_INTERVAL_SECONDS,
      reconciliationCron: env.RECONCILIATION_CRON,
      graceExpiryCron: env.GRACE_EXPIRY_CRON,
    },
    webhookBodyLimitBytes: env.WEBHOOK_BODY_LIMIT_BYTES,
    invoicing: {
      seller:
        missingSeller.length === 0
          ? {
              legalName: env.SELLER_LEGAL_NAME!,
              addressLine1: env.SELLER_ADDRESS_LINE1!,
              addressLine2: env.SELLER_ADDRESS_LINE2 ?? null,
              postalCode: env.SELLER_POSTAL_CODE!,
              city: env.SELLER_CITY!,
              country: env.SELLER_COUNTRY!,
              vatNumber: env.SELLER_VAT_NUMBER!,
              legalForm: env.SELLER_LEGAL_FORM ?? null,
              shareCapital: env.SELLER_SHARE_CAPITAL ?? null,
              siren: env.SELLER_SIREN ?? null,
              siret: env.SELLER_SIRET ?? null,
              registration: env.SELLER_REGISTRATION ?? null,
              vatOnDebits: env.SELLER_VAT_ON_DEBITS === 'true',
              paymentTerms: env.INVOICE_PAYMENT_TERMS,
              latePaymentPenalty: env.INVOICE_LATE_PAYMENT_PENALTY,
            }
          : {
              ...DEV_SELLER,
              paymentTerms: env.INVOICE_PAYMENT_TERMS,
              latePaymentPenalty: env.INVOICE_LATE_PAYMENT_PENALTY,
            },
      numberTemplate: env.INVOICE_NUMBER_FORMAT,
      creditNoteNumberTemplate: env.CREDIT_NOTE_NUMBER_FORMAT,
      timeZone: env.INVOICE_TIME_ZONE,
      // A real deployment asks the registry unless told not to; development has no network to ask.
      viesCheck: (env.VAT_VIES_CHECK ?? (production ? 'true' : 'false')) === 'true',
      linkSecret: env.INVOICE_LINK_SECRET ?? DEV_INVOICE_LINK_SECRET,
      linkTtlSeconds: env.INVOICE_LINK_TTL_SECONDS,
      publicBaseUrl: (env.PUBLIC_BASE_URL ?? `http://${env.HOST}:${env.PORT}`).replace(/\/$/, ''),
    },
    // Harmless without a token (every operation needs one), yet production exposes it only when asked.
    adminPlayground: env.ADMIN_PLAYGROUND ? env.ADMIN_PLAYGROUND === 'true' : !production,
    graphql: {
      maxDepth: env.GRAPHQL_MAX_DEPTH,
      maxAliases: env.GRAPHQL_MAX_ALIASES,
      maxDirectives: env.GRAPHQL_MAX_DIRECTIVES,
      maxTokens: env.GRAPHQL_MAX_TOKENS,
      maxCost: env.GRAPHQL_MAX_COST,
      assumedListSize: env.GRAPHQL_ASSUMED_LIST_SIZE,
    },
    providerRateLimit: { operations: env.PROVIDER_RATE_LIMIT, windowSeconds: env.PROVIDER_RATE_WINDOW_SECONDS },
    gatewaySecret: env.GATEWAY_SECRET ?? null,
    logLevel: env.LOG_LEVEL,
  };
}

/** Secrets published in this repository: known to everyone, so never a production secret. */
const PUBLISHED_SECRETS = new Set([DEV_AUTH_SECRET, DEV_INVOICE_LINK_SECRET]);

/**
 * Why a secret is too weak, or null. 32 bytes is HS256's key size, required everywhere; in production, a
 * secret of few distinct characters (`aaaa…`, `abababab…`) or a published one is guessable whatever its length.
 */
export function secretWeakness(secret: string, production: boolean): string | null {
  if (Buffer.byteLength(secret, 'utf8') < 32) return 'must be at least 32 bytes';
  if (!production) return null;
  if (PUBLISHED_SECRETS.has(secret))
    return 'is a development secret published in the source; generate a new one (openssl rand -base64 48)';
  if (new Set(secret).size < 10)
    return 'has too little variety (fewer than 10 distinct characters); generate a random one';
  return null;
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** A variable set to the empty string counts as unset, as shells and .env files commonly produce. */
function emptyAsUnset(environment: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(environment).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''),
  );
}

function readCatalog(file: string, problems: string[]): readonly CatalogPlan[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    problems.push(`PLAN_CATALOG_FILE: cannot read ${file} as JSON (${(error as Error).message})`);
    return [];
  }
  const parsed = catalogSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  problems.push(...parsed.error.issues.map((i) => `PLAN_CATALOG_FILE ${i.path.join('.') || '(root)'}: ${i.message}`));
  return [];
}

/**
 * In development the embedded emulator keeps its state where the database's is, so a restart finds the
 * provider objects the database refers to: beside the embedded database (`.data/pglite` ->
 * `.data/pglite-stripe-emulator.json`), or for a PostgreSQL database in the same directory, one file per
 * database (`.data/stripe-emulator-127.0.0.1-5432-billing.json`): another database's customers are not its.
 */
function emulatorStateFile(env: {
  NODE_ENV: string;
  DATABASE_URL?: string;
  PGLITE_DATA_DIR: string;
  STRIPE_EMULATOR_STATE_FILE?: string;
}): string | null {
  if (env.STRIPE_EMULATOR_STATE_FILE) return path.resolve(env.STRIPE_EMULATOR_STATE_FILE);
  if (env.NODE_ENV !== 'development') return null;
  const dataDir = path.resolve(env.PGLITE_DATA_DIR);
  if (!env.DATABASE_URL) return `${dataDir}-stripe-emulator.json`;
  return path.join(path.dirname(dataDir), `stripe-emulator-${databaseLabel(env.DATABASE_URL)}.json`);
}

/** Host, port and database name of a PostgreSQL URL, as a file name: never its user or password. */
function databaseLabel(url: string): string {
  const { hostname, port, pathname } = new URL(url);
  return [hostname, port || '5432', decodeURIComponent(pathname.slice(1)) || 'postgres']
    .join('-')
    .replace(/[^A-Za-z0-9._-]/g, '_');
}
