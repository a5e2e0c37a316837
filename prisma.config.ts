// Prisma CLI configuration. The CLI is only used for `prisma generate` here: migrations run through
// src/db/migration-runner.ts (the CLI's schema engine binary cannot be downloaded offline).
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/billing' },
});
