import { applyMigrations, migrationNames, pendingMigrations, schemaDiff } from '../../src/db/migration-runner';
import { customerFor, subscriptionFor } from '../support/factories';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../support/test-database';
import { PlanService } from '../../src/billing/plans/plan-service';
import { PlanRepository } from '../../src/billing/plans/plan-repository';
import { DEFAULT_PLAN_CATALOG } from '../../src/billing/plans/plan-catalog';

describe('the migrations', () => {
  it('agree with prisma/schema.prisma (no drift)', async () => {
    // A non-empty diff is the SQL a new migration needs: run `npm run db:migration -- <name>`.
    expect(await schemaDiff('migrations')).toBe('');
  });
});

describe.each(databaseKinds)('a migrated %s database', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
    await new PlanService(new PlanRepository(db.prisma), { ttlMs: 0 }).seedCatalog(DEFAULT_PLAN_CATALOG);
  });
  afterAll(() => db.close());

  it("records every migration in Prisma's history table, and re-applying does nothing", async () => {
    const rows = await db.prisma.$queryRaw<{ migration_name: string; checksum: string }[]>`
      SELECT migration_name, checksum FROM _prisma_migrations ORDER BY migration_name`;
    expect(rows.map((row) => row.migration_name)).toEqual(migrationNames());
    expect(rows.every((row) => /^[0-9a-f]{64}$/.test(row.checksum))).toBe(true);
    expect(await pendingMigrations(db)).toEqual([]);
    expect(await applyMigrations(db)).toEqual([]);
  });

  const violation = expect.objectContaining({ message: expect.stringMatching(/constraint|Unique/i) });

  it('refuses a customer with no owner, or with both a user and a group', async () => {
    await expect(customerFor(db.prisma, { userId: undefined } as never)).rejects.toEqual(violation);
    await expect(customerFor(db.prisma, { userId: 'both', groupId: 'both' } as never)).rejects.toEqual(violation);
  });

  it('keeps one customer per owner and unique anonymous and provider ids', async () => {
    const first = await customerFor(db.prisma, { userId: 'solo' }, { providerCustomerId: 'cus_1' });
    await expect(customerFor(db.prisma, { userId: 'solo' })).rejects.toEqual(violation);
    await expect(customerFor(db.prisma, { userId: 'other' }, { anonymousId: first.anonymousId })).rejects.toEqual(
      violation,
    );
    await expect(customerFor(db.prisma, { userId: 'third' }, { providerCustomerId: 'cus_1' })).rejects.toEqual(
      violation,
    );
  });

  it('allows one live subscription per customer, any number of ended ones', async () => {
    const customer = await customerFor(db.prisma, { groupId: 'subs' });
    await subscriptionFor(db.prisma, customer.id, { planId: 'lite', status: 'CANCELED' });
    await subscriptionFor(db.prisma, customer.id, { planId: 'lite', status: 'INCOMPLETE_EXPIRED' });
    await subscriptionFor(db.prisma, customer.id, { planId: 'pro', status: 'ACTIVE' });
    await expect(subscriptionFor(db.prisma, customer.id, { planId: 'ultra', status: 'TRIALING' })).rejects.toEqual(
      violation,
    );
  });

  it('refuses a malformed country, a negative price and a second default plan', async () => {
    await expect(customerFor(db.prisma, { userId: 'fr' }, { country: 'fr' })).rejects.toEqual(violation);
    await expect(
      db.prisma.planPrice.create({ data: { planId: 'lite', interval: 'MONTH', amount: -1, currency: 'USD' } }),
    ).rejects.toEqual(violation);
    await expect(
      db.prisma.plan.create({
        data: { id: 'gratis', name: 'Gratis', driveStorageBytes: 1n, parallelDownloads: 1, isDefault: true },
      }),
    ).rejects.toEqual(violation);
  });

  it('stores byte counts beyond 32 bits exactly', async () => {
    const customer = await customerFor(db.prisma, { userId: 'big' }, { driveStorageBytes: 100n * 10n ** 12n });
    expect((await db.prisma.customer.findUniqueOrThrow({ where: { id: customer.id } })).driveStorageBytes).toBe(
      100_000_000_000_000n,
    );
  });
});
