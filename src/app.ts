// Composition root: builds the database, services, GraphQL server and HTTP app from a Config.
// main.ts adds the listening socket and signals; tests call createApp directly.
import { mkdirSync } from 'node:fs';
import type { ApolloServer } from '@apollo/server';
import type express from 'express';
import pino, { type Logger } from 'pino';
import { createTokenVerifier } from './auth/token-verifier.ts';
import { CustomerRepository } from './billing/customers/customer-repository.ts';
import { CustomerService } from './billing/customers/customer-service.ts';
import { CustomerCache } from './billing/customers/customer-cache.ts';
import { CustomerReader } from './billing/customers/customer-reader.ts';
import { keepCachesInStep } from './billing/change-notifications.ts';
import { InvoiceRepository } from './billing/invoices/invoice-repository.ts';
import { InvoiceService } from './billing/invoices/invoice-service.ts';
import { PaymentMethodRepository } from './billing/payment-methods/payment-method-repository.ts';
import { PlanRepository } from './billing/plans/plan-repository.ts';
import { PlanService } from './billing/plans/plan-service.ts';
import { SubscriptionRepository } from './billing/subscriptions/subscription-repository.ts';
import type { Config } from './config.ts';
import { openDatabase, type Database } from './db/database.ts';
import { applyMigrations, pendingMigrations } from './db/migration-runner.ts';
import { createApolloServer } from './graphql/apollo-server.ts';
import type { GraphQLContext } from './graphql/context.ts';
import { createContextFactory } from './graphql/context-factory.ts';
import { createHttpApp } from './http/http-app.ts';

export class StartupError extends Error {
  override name = 'StartupError';
}

export interface BillingApp {
  http: express.Express;
  apollo: ApolloServer<GraphQLContext>;
  database: Database;
  close(): Promise<void>;
}

export interface AppOptions {
  logger?: Logger;
  /** An already open database (tests); otherwise opened from the config and closed with the app. */
  database?: Database;
}

export async function createApp(config: Config, options: AppOptions = {}): Promise<BillingApp> {
  const logger = options.logger ?? pino({ level: config.logLevel });
  const database = options.database ?? (await openConfiguredDatabase(config));
  try {
    await prepareSchema(config, database, logger);
    const planService = new PlanService(new PlanRepository(database.prisma), { ttlMs: config.caches.planCatalogTtlMs });
    const seeded = await planService.seedCatalog(config.catalog);
    if (seeded > 0) logger.info({ plans: seeded }, 'seeded the plan catalog');

    const invoices = new InvoiceRepository(database.prisma);
    const customers = new CustomerRepository(database.prisma);
    const customerCache = new CustomerCache({ maxEntries: config.caches.customerEntries, ttlMs: config.caches.customerTtlMs });
    await keepCachesInStep(database.notifications, { customers: customerCache, plans: planService });
    const services = {
      plans: planService,
      invoices: new InvoiceService(invoices),
      customers: new CustomerService(customers),
    };
    const sources = {
      customers: new CustomerReader(customers, customerCache),
      subscriptions: new SubscriptionRepository(database.prisma),
      paymentMethods: new PaymentMethodRepository(database.prisma),
      invoices,
      planService,
    };
    const apollo = createApolloServer({ logger, introspection: config.env !== 'production' });
    await apollo.start();
    const context = createContextFactory({ verifyToken: createTokenVerifier(config.auth), sources, services, logger });
    const http = createHttpApp({ apollo, context, database, logger, bodyLimitBytes: config.http.bodyLimitBytes });
    return {
      http,
      apollo,
      database,
      close: async () => {
        await apollo.stop();
        if (!options.database) await database.close();
      },
    };
  } catch (error) {
    if (!options.database) await database.close();
    throw error;
  }
}

async function openConfiguredDatabase(config: Config): Promise<Database> {
  if (config.database.kind === 'pglite' && config.database.dataDir) mkdirSync(config.database.dataDir, { recursive: true });
  return openDatabase(config.database);
}

/** The embedded database migrates itself; a PostgreSQL server is migrated deliberately, by `npm run db:migrate`. */
async function prepareSchema(config: Config, database: Database, logger: Logger): Promise<void> {
  if (config.database.kind === 'pglite') {
    const applied = await applyMigrations(database);
    if (applied.length > 0) logger.info({ migrations: applied }, 'migrated the embedded database');
    return;
  }
  const pending = await pendingMigrations(database);
  if (pending.length > 0) {
    throw new StartupError(
      `the database is not migrated: ${pending.length} migration(s) pending (${pending.join(', ')}). Run \`npm run db:migrate\` first.`,
    );
  }
}
