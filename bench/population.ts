// The users the benchmark draws from, and the customers it seeds for them in PostgreSQL, in SQL
// (generate_series): a million rows in seconds, where row-by-row inserts would take minutes.
import type { Client } from 'pg';
import { DEFAULT_PLAN_CATALOG } from '../src/billing/plans/plan-catalog.ts';

export interface Population {
  name: string;
  /** User ids are `${prefix}${i}` for i in [0, size). */
  prefix: string;
  size: number;
  /** What the billing subgraph must answer for user i (the seeded truth). */
  expected(i: number): { unpaidInvoice: boolean; plan: string };
}

const PLAN_NAMES = new Map(DEFAULT_PLAN_CATALOG.map((plan) => [plan.id, plan.name]));

/** Sparse: one user in fifty has a profile (on Pro, one in four of those unpaid); the rest read as free. */
export function sparsePopulation(size: number): Population {
  return {
    name: `${size.toLocaleString('en')} ids, 2 % with a profile`,
    prefix: 's-',
    size,
    expected: (i) =>
      i % 50 === 0 ? { unpaidInvoice: i % 200 === 0, plan: 'Pro' } : { unpaidInvoice: false, plan: 'Free' },
  };
}

/** Dense: every user has a profile. 70 % free, 10 % Lite, 15 % Pro, 5 % Ultra; one in 37 unpaid. */
export function densePopulation(size: number): Population {
  return {
    name: `${size.toLocaleString('en')} ids, all with a profile`,
    prefix: 'd-',
    size,
    expected: (i) => ({ unpaidInvoice: i % 37 === 0, plan: PLAN_NAMES.get(densePlan(i))! }),
  };
}

function densePlan(i: number): string {
  const slot = i % 20;
  return slot < 14 ? 'free' : slot < 16 ? 'lite' : slot < 19 ? 'pro' : 'ultra';
}

const DENSE_PLAN_SQL = `CASE WHEN i % 20 < 14 THEN 'free' WHEN i % 20 < 16 THEN 'lite' WHEN i % 20 < 19 THEN 'pro' ELSE 'ultra' END`;

/** Inserts the populations' customers with the entitlements of their plan. The plan catalog must exist. */
export async function seedCustomers(client: Client, sparse: Population, dense: Population): Promise<number> {
  const limits = DEFAULT_PLAN_CATALOG.map(
    (plan) => `('${plan.id}', ${plan.driveStorageBytes}, ${plan.parallelDownloads})`,
  ).join(', ');
  // Seeding is not a change any replica must hear of: no per-row notification.
  await client.query('SET session_replication_role = replica');
  const seeded = await client.query(`
    WITH plan_limits(id, bytes, downloads) AS (VALUES ${limits}),
    seeded(user_id, plan_id, unpaid) AS (
      SELECT '${sparse.prefix}' || i, 'pro', i % 200 = 0 FROM generate_series(0, ${sparse.size - 1}) AS i WHERE i % 50 = 0
      UNION ALL
      SELECT '${dense.prefix}' || i, ${DENSE_PLAN_SQL}, i % 37 = 0 FROM generate_series(0, ${dense.size - 1}) AS i
    )
    INSERT INTO customers (id, user_id, anonymous_id, plan_id, drive_storage_bytes, parallel_downloads, entitlement_basis, has_unpaid_invoice, updated_at)
    SELECT lpad(to_hex(n), 32, '0')::uuid, user_id, ('f' || lpad(to_hex(n), 31, '0'))::uuid, plan_id, bytes, downloads,
           (CASE WHEN plan_id = 'free' THEN 'FREE_PLAN' ELSE 'SUBSCRIPTION' END)::"EntitlementBasis", unpaid, now()
    FROM (SELECT row_number() OVER () AS n, * FROM seeded) AS numbered JOIN plan_limits ON plan_limits.id = numbered.plan_id`);
  await client.query('SET session_replication_role = DEFAULT');
  await client.query('ANALYZE customers');
  return seeded.rowCount ?? 0;
}
