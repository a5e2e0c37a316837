// `npm run db:migrate`: applies pending migrations to the configured database (DATABASE_URL, or the
// embedded PGlite directory), recording them in Prisma's _prisma_migrations table.
import { mkdirSync } from 'node:fs';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { applyMigrations } from '../src/db/migration-runner.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  if (config.database.kind === 'pglite' && config.database.dataDir)
    mkdirSync(config.database.dataDir, { recursive: true });
  const database = await openDatabase(config.database);
  try {
    const applied = await applyMigrations(database);
    console.log(
      applied.length
        ? `applied ${applied.join(', ')} to ${database.description}`
        : `${database.description} is up to date`,
    );
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
