import { customerFor, invoiceFor } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

// The README's profile page, as the gateway sends it to this subgraph for `me { billing { … } }`.
const PROFILE_PAGE = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { billing {
  plan { name driveStorage parallelDownloads }
  entitlements { driveStorage parallelDownloads basis graceEndsAt }
  usage { usedStorage driveStorage overLimit }
  subscription { status interval price { amount currency } currentPeriodEnd cancelAtPeriodEnd version }
  paymentMethods { type brand last4 expMonth expYear isDefault }
  legalIdentity { legalName vatNumber address { line1 postalCode city country } }
  invoices(first: 10) {
    edges { cursor node { number status total { amount currency } issuedAt } }
    pageInfo { hasNextPage endCursor }
  }
} } } }`;

const BANNER_AND_PLAN = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { unpaidInvoice billing { plan { name driveStorage } } } } }`;

/** profile -> owner -> billing, `levels` times, through named fragments (the 262,144-resolver query). */
function ownerCycles(levels: number, aliasesPerLevel: number): string {
  const fragments = Array.from({ length: levels }, (_, level) => {
    const next =
      level + 1 < levels
        ? `...L${level + 1}`
        : 'invoices(first: 100) { edges { node { id lines { description amount { amount currency } } } } }';
    const branches = Array.from(
      { length: aliasesPerLevel },
      (_, a) => `o${a}: owner { ... on User { billing { ${next} } } }`,
    ).join(' ');
    return `fragment L${level} on Customer { ${branches} }`;
  });
  return `{ billingProfile(owner: { userId: "ada" }) { ...L0 } } ${fragments.join(' ')}`;
}

/** Each fragment spreads the next twice: the document stays small, its expansion doubles per level. */
function fragmentBomb(levels: number): string {
  const fragments = Array.from({ length: levels }, (_, level) =>
    level + 1 < levels
      ? `fragment B${level} on Customer { ...B${level + 1} ...B${level + 1} }`
      : `fragment B${level} on Customer { unpaidInvoice }`,
  );
  return `{ billingProfile(owner: { userId: "ada" }) { ...B0 } } ${fragments.join(' ')}`;
}

describe('query limits', () => {
  let t: TestApp;
  let ada: string;
  let gateway: string;
  beforeAll(async () => {
    t = await startTestApp('pglite');
    ada = await t.token({ sub: 'ada' });
    gateway = await t.token({ sub: 'gateway', roles: ['service'] });
    const customer = await customerFor(t.db.prisma, { userId: 'ada' }, { legalName: 'Ada Lovelace', country: 'FR' });
    for (let i = 0; i < 3; i += 1)
      await invoiceFor(t.db.prisma, customer.id, { number: `F2026-00000${i + 1}`, series: 'F2026', sequence: i + 1 });
  });
  afterAll(() => t.close());

  /** Refused as a whole, with a typed error, and without a single SQL statement: no resolver ran. */
  async function expectRefused(query: string, code: string, message: RegExp, variables?: Record<string, unknown>) {
    t.resetQueries();
    const res = await t.graphql(query, { token: ada, variables });
    expect(res.status).toBe(400);
    expect(res.data).toBeUndefined();
    expect(res.errors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(message),
        extensions: expect.objectContaining({ code }),
      }),
    ]);
    expect(t.queries).toEqual([]);
  }

  it('passes the web app profile page through `_entities`', async () => {
    const res = await t.graphql<{ _entities: { billing: { invoices: { edges: unknown[] } } }[] }>(PROFILE_PAGE, {
      token: ada,
      variables: { reps: [{ __typename: 'User', id: 'ada' }] },
    });
    expect(res.errors).toBeUndefined();
    expect(res.data?._entities[0]?.billing.invoices.edges).toHaveLength(3);
  });

  it("passes the gateway's batch of 100 representations", async () => {
    const reps = Array.from({ length: 100 }, (_, i) => ({ __typename: 'User', id: `user-${i}` }));
    const res = await t.graphql<{ _entities: unknown[] }>(BANNER_AND_PLAN, { token: gateway, variables: { reps } });
    expect(res.errors).toBeUndefined();
    expect(res.data?._entities).toHaveLength(100);
  });

  it('refuses profile -> owner -> billing cycles by depth', async () => {
    await expectRefused(ownerCycles(8, 1), 'GRAPHQL_VALIDATION_FAILED', /depth limit of 12 exceeded/);
  });

  it('refuses a fan-out of aliased cycles within the depth limit by cost', async () => {
    await expectRefused(
      ownerCycles(2, 3),
      'GRAPHQL_VALIDATION_FAILED',
      /^The query costs \d+, more than the limit of 20000/,
    );
  });

  it('refuses fragments whose expansion doubles at every level', async () => {
    await expectRefused(fragmentBomb(40), 'GRAPHQL_VALIDATION_FAILED', /too large to run/);
  });

  it('refuses many aliases', async () => {
    const aliases = Array.from({ length: 100 }, (_, i) => `p${i}: plans { id }`).join(' ');
    await expectRefused(`{ ${aliases} }`, 'GRAPHQL_VALIDATION_FAILED', /Aliases limit of 30 exceeded/);
  });

  it('refuses many directives', async () => {
    const fields = Array.from({ length: 60 }, () => '__typename @include(if: true)').join(' ');
    await expectRefused(`{ ${fields} }`, 'GRAPHQL_VALIDATION_FAILED', /Directives limit of 50 exceeded/);
  });

  it('refuses a document of too many tokens before validating it', async () => {
    await expectRefused(`{ ${'__typename '.repeat(6000)}}`, 'GRAPHQL_PARSE_FAILED', /tokens/);
  });

  it('costs a list by its `first`, taken from the variables', async () => {
    const query = `query($n: Int!) { a: billingProfile(owner: { userId: "ada" }) { invoices(first: $n) { edges { node { lines { description amount { amount } } } } } } }`;
    const small = await t.graphql(query, { token: ada, variables: { n: 10 } });
    expect(small.errors).toBeUndefined();
    await expectRefused(
      query.replace('a: billingProfile', 'billingProfile'),
      'GRAPHQL_VALIDATION_FAILED',
      /^The query costs/,
      { n: 100_000 },
    );
  });
});
