import { buildBillingSchema } from '../../src/graphql/schema';
import { startTestApp, type TestApp } from '../support/test-app';
import { databaseKinds } from '../support/test-database';

const AUDIT_LOG = /* GraphQL */ `
  query Audit($owner: BillingOwnerInput, $first: Int, $after: String) {
    auditLog(owner: $owner, first: $first, after: $after) {
      edges {
        cursor
        node {
          id
          occurredAt
          actorSub
          actorRoles
          operation
          arguments
          outcome
          requestId
          targetOwner {
            __typename
            ... on User {
              id
            }
            ... on Group {
              id
            }
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

type AuditPage = {
  auditLog: {
    edges: { cursor: string; node: Record<string, any> }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
};

describe.each(databaseKinds)('the audit log on %s', (kind) => {
  let t: TestApp;
  let admin: string;
  let service: string;
  beforeAll(async () => {
    t = await startTestApp(kind);
    admin = await t.token({ sub: 'alice-admin', roles: ['admin'] });
    service = await t.token({ sub: 'accounts-service', roles: ['service'] });
  });
  afterAll(() => t.close());

  const read = async (variables: Record<string, unknown> = {}) => {
    const res = await t.graphql<AuditPage>(AUDIT_LOG, { token: admin, variables });
    expect(res.errors).toBeUndefined();
    return res.data!.auditLog;
  };

  it('records a service mutation: who, what, on whose profile, when and how it ended', async () => {
    const before = Date.now();
    const res = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${service}`,
        'x-request-id': 'req-audit-1',
      },
      body: JSON.stringify({ query: 'mutation { createCustomer(owner: { userId: "bob" }) { id } }' }),
    });
    expect(res.status).toBe(200);
    const { edges } = await read({ owner: { userId: 'bob' } });
    expect(edges).toHaveLength(1);
    expect(edges[0]!.node).toEqual({
      id: expect.stringMatching(/^\d+$/),
      occurredAt: expect.any(String),
      actorSub: 'accounts-service',
      actorRoles: ['service'],
      operation: 'createCustomer',
      arguments: JSON.stringify({ owner: { userId: 'bob' } }),
      outcome: 'OK',
      requestId: 'req-audit-1',
      targetOwner: { __typename: 'User', id: 'bob' },
    });
    expect(new Date(edges[0]!.node.occurredAt).getTime()).toBeGreaterThanOrEqual(before - 1000);
  });

  it('records failures with their code', async () => {
    const notFound = await t.graphql('mutation { reconcileCustomer(owner: { groupId: "nobody" }) { id } }', {
      token: admin,
    });
    expect(notFound.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const forbidden = await t.graphql('mutation { createCustomer(owner: { groupId: "g-audit" }) { id } }', {
      token: admin,
    });
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const { edges } = await read({ first: 2 });
    expect(edges.map(({ node }) => [node.operation, node.outcome, node.actorSub, node.targetOwner])).toEqual([
      ['createCustomer', 'FORBIDDEN', 'alice-admin', { __typename: 'Group', id: 'g-audit' }],
      ['reconcileCustomer', 'NOT_FOUND', 'alice-admin', { __typename: 'Group', id: 'nobody' }],
    ]);
  });

  it('records every mutation field of one request', async () => {
    const res = await t.graphql(
      'mutation { a: createCustomer(owner: { userId: "m1" }) { id } b: createCustomer(owner: { userId: "m2" }) { id } }',
      { token: service },
    );
    expect(res.errors).toBeUndefined();
    const { edges } = await read({ first: 2 });
    expect(edges.map(({ node }) => node.targetOwner.id).sort()).toEqual(['m1', 'm2']);
  });

  it("does not record a user's own billing actions, nor reads", async () => {
    const count = await t.db.prisma.auditEntry.count();
    const user = await t.token({ sub: 'carol' });
    const updated = await t.graphql('mutation { updateBillingProfile(input: { legalName: "Carol" }) { id } }', {
      token: user,
    });
    expect(updated.errors).toBeUndefined();
    await t.graphql('{ plans { id } }', { token: admin });
    expect(await t.db.prisma.auditEntry.count()).toBe(count);
  });

  it('pages newest first, and filters by customer', async () => {
    for (const id of ['p1', 'p2', 'p3'])
      await t.graphql(`mutation { createCustomer(owner: { userId: "${id}" }) { id } }`, { token: service });
    const first = await read({ first: 2 });
    expect(first.edges.map((e) => e.node.arguments)).toEqual([
      JSON.stringify({ owner: { userId: 'p3' } }),
      JSON.stringify({ owner: { userId: 'p2' } }),
    ]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await read({ first: 2, after: first.pageInfo.endCursor });
    expect(second.edges[0]!.node.arguments).toBe(JSON.stringify({ owner: { userId: 'p1' } }));
    expect(Number(second.edges[0]!.node.id)).toBeLessThan(Number(first.edges[1]!.node.id));
    expect((await read({ owner: { userId: 'p2' } })).edges).toHaveLength(1);
  });

  it('is for admins only, and refuses forged cursors and bad page sizes', async () => {
    for (const token of [service, await t.token({ sub: 'dave' })]) {
      const res = await t.graphql(AUDIT_LOG, { token });
      expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    const forged = await t.graphql(AUDIT_LOG, { token: admin, variables: { after: 'bm9wZQ' } });
    expect(forged.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    const big = await t.graphql(AUDIT_LOG, { token: admin, variables: { first: 1000 } });
    expect(big.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  it('cannot be changed: the database refuses UPDATE, DELETE and TRUNCATE, and the API has no such mutation', async () => {
    for (const sql of ['UPDATE audit_log SET outcome = $$OK$$', 'DELETE FROM audit_log', 'TRUNCATE audit_log']) {
      await expect(t.db.prisma.$executeRawUnsafe(sql)).rejects.toThrow(/append-only/);
    }
    expect(await t.db.prisma.auditEntry.count()).toBeGreaterThan(0);
    const mutations = Object.keys(buildBillingSchema().getMutationType()!.getFields());
    expect(mutations.filter((name) => /audit/i.test(name))).toEqual([]);
  });
});
