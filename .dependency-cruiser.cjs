// The import rules of src/ (README, "Layers"), checked by `npm run lint:deps` in CI.
// Inside billing/, from the bottom up: the kernel (billing/*.ts), one folder per aggregate plus ports/
// (types, policies, repositories, the services of one aggregate), sync/ (per-object synchronizers),
// services/ (use cases that drive the provider), and the composition (billing-services.ts).
const KERNEL = '^src/billing/(?!billing-services\\.ts$|change-notifications\\.ts$)[^/]+\\.ts$';
const COMPOSITION = '^src/billing/(billing-services|change-notifications)\\.ts$';
const SERVICES = '^src/billing/services/';
const SYNC = '^src/billing/sync/';
const AGGREGATES = '^src/billing/(?!services/|sync/)[^/]+/';
const EDGES = '^src/(graphql|http|webhooks|jobs|payments|auth)/|^src/(app|main|config)\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A module cycle: move what both sides need into a module below them.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-folder-cycles',
      severity: 'error',
      comment: 'Two folders import each other (directly or around a loop): one of them is not below the other.',
      scope: 'folder',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'billing-kernel-is-the-bottom',
      severity: 'error',
      comment: 'billing/*.ts (money, errors, owner, results, ids, dates) is imported by every layer and imports none.',
      from: { path: KERNEL },
      to: { path: '^src/billing/', pathNot: KERNEL },
    },
    {
      name: 'aggregates-below-sync',
      severity: 'error',
      comment: 'Aggregate folders and ports/ sit below the synchronizers, the use-case services and the composition.',
      from: { path: AGGREGATES },
      to: { path: [SYNC, SERVICES, COMPOSITION] },
    },
    {
      name: 'sync-below-services',
      severity: 'error',
      comment: 'Synchronizers are called by use-case services, never the reverse.',
      from: { path: SYNC },
      to: { path: [SERVICES, COMPOSITION] },
    },
    {
      name: 'services-below-composition',
      severity: 'error',
      from: { path: SERVICES },
      to: { path: COMPOSITION },
    },
    {
      name: 'repositories-below-services',
      severity: 'error',
      comment: 'A repository maps rows; it never calls a service (move the shared function or type down).',
      from: { path: '^src/billing/.+-repository\\.ts$' },
      to: { path: '^src/billing/.+-service\\.ts$' },
    },
    {
      name: 'billing-knows-no-edge',
      severity: 'error',
      comment:
        'The domain knows neither GraphQL, HTTP, webhooks, jobs, the adapter nor the configuration: they depend on it.',
      from: { path: '^src/billing/' },
      to: { path: EDGES },
    },
    {
      name: 'adapter-through-the-port',
      severity: 'error',
      comment: 'payments/ sees billing only through billing/ports/ (which re-exports the domain types it speaks).',
      from: { path: '^src/payments/' },
      to: { path: '^src/billing/', pathNot: '^src/billing/ports/' },
    },
    {
      name: 'prisma-only-in-repositories',
      severity: 'error',
      comment:
        'Only db/ and repositories import the Prisma client; InvoiceIssuer owns the numbering transaction (README: the one deliberate exception).',
      from: {
        path: '^src/',
        pathNot: [
          '^src/db/',
          '^src/generated/',
          '-repository\\.ts$',
          '^src/billing/invoices/invoice-(issuer|number-allocator)\\.ts$',
        ],
      },
      to: { path: ['^src/generated/prisma/', '^node_modules/@prisma/client/'] },
    },
    {
      name: 'stripe-only-in-the-adapter',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/payments/stripe/' },
      to: { path: '^node_modules/stripe/' },
    },
    {
      name: 'composition-root-imported-by-main-only',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/main\\.ts$' },
      to: { path: '^src/(app|main)\\.ts$' },
    },
  ],
  options: {
    // Type-only imports are arrows too: a type from a higher layer ties the lower one to it.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: ['node_modules', '^src/generated/'] },
  },
};
