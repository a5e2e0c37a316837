import { signDevToken } from '../../src/auth/dev-token';
import { customerFor, invoiceFor, paymentMethodFor, subscriptionFor } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';
import { databaseKinds } from '../support/test-database';

const PROFILE = /* GraphQL */ `
  query Profile($reps: [_Any!]!) {
    _entities(representations: $reps) {
      ... on User {
        id
        unpaidInvoice
        billing {
          ...Profile
        }
      }
      ... on Group {
        id
        unpaidInvoice
        billing {
          ...Profile
        }
      }
    }
  }
  fragment Profile on Customer {
    id
    owner {
      __typename
      ... on User {
        id
      }
      ... on Group {
        id
      }
    }
    plan {
      id
      name
      driveStorage
      parallelDownloads
    }
    entitlements {
      driveStorage
      parallelDownloads
      basis
      graceEndsAt
    }
    usage {
      usedStorage
      driveStorage
      overLimit
    }
    unpaidInvoice
    createdAt
  }
`;

const user = (id: string) => ({ __typename: 'User', id });
const group = (id: string) => ({ __typename: 'Group', id });

describe.each(databaseKinds)('the read path on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(() => t.close());

  describe('a user without a billing profile', () => {
    it('reads as the free plan, without writing anything', async () => {
      const token = await t.token({ sub: 'newcomer' });
      t.resetQueries();
      const res = await t.graphql(PROFILE, { token, variables: { reps: [user('newcomer')] } });
      expect(res.errors).toBeUndefined();
      expect(res.data).toEqual({
        _entities: [
          {
            id: 'newcomer',
            unpaidInvoice: false,
            billing: {
              id: 'User:newcomer',
              owner: { __typename: 'User', id: 'newcomer' },
              plan: { id: 'free', name: 'Free', driveStorage: '100000000', parallelDownloads: 4 },
              entitlements: { driveStorage: '100000000', parallelDownloads: 4, basis: 'FREE_PLAN', graceEndsAt: null },
              usage: { usedStorage: '0', driveStorage: '100000000', overLimit: false },
              unpaidInvoice: false,
              createdAt: null,
            },
          },
        ],
      });
      expect(await t.db.prisma.customer.count({ where: { userId: 'newcomer' } })).toBe(0);
      expect(t.queries.some((sql) => /^\s*(INSERT|UPDATE|DELETE)/i.test(sql))).toBe(false);
    });
  });

  describe('a user with a billing profile', () => {
    it('reads its own plan, entitlements, usage and unpaid flag', async () => {
      await customerFor(
        t.db.prisma,
        { userId: 'ada' },
        {
          planId: 'ultra',
          driveStorageBytes: 1_000_000_000_000n,
          parallelDownloads: 32,
          usedStorageBytes: 1_500_000_000_000n,
          entitlementBasis: 'GRACE_PERIOD',
          graceEndsAt: new Date('2026-12-08T00:00:00Z'),
          hasUnpaidInvoice: true,
        },
      );
      const token = await t.token({ sub: 'ada' });
      const res = await t.graphql<{ _entities: Record<string, any>[] }>(PROFILE, {
        token,
        variables: { reps: [user('ada')] },
      });
      expect(res.errors).toBeUndefined();
      const [entity] = res.data!._entities;
      expect(entity!.unpaidInvoice).toBe(true);
      expect(entity!.billing).toMatchObject({
        plan: { id: 'ultra', driveStorage: '1000000000000' },
        entitlements: { driveStorage: '1000000000000', basis: 'GRACE_PERIOD', graceEndsAt: '2026-12-08T00:00:00.000Z' },
        usage: { usedStorage: '1500000000000', overLimit: true },
        unpaidInvoice: true,
      });
      expect(entity!.billing.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    });

    it('carries byte counts above 2^53 exactly', async () => {
      const hundredPetabytes = 100n * 10n ** 15n; // > 2^53
      await customerFor(
        t.db.prisma,
        { userId: 'hoarder' },
        { driveStorageBytes: hundredPetabytes, usedStorageBytes: 100n * 10n ** 12n },
      );
      const token = await t.token({ sub: 'hoarder' });
      const res = await t.graphql<{ _entities: Record<string, any>[] }>(PROFILE, {
        token,
        variables: { reps: [user('hoarder')] },
      });
      expect(res.data!._entities[0]!.billing.entitlements.driveStorage).toBe('100000000000000000');
      expect(res.data!._entities[0]!.billing.usage.usedStorage).toBe('100000000000000');
    });
  });

  describe('who may read a billing profile', () => {
    beforeAll(async () => {
      await customerFor(
        t.db.prisma,
        { groupId: 'studio' },
        { planId: 'pro', driveStorageBytes: 400_000_000_000n, parallelDownloads: 16 },
      );
      await customerFor(t.db.prisma, { userId: 'grace' }, { hasUnpaidInvoice: true });
    });

    it("lets a group's admin read the group's profile", async () => {
      const token = await t.token({ sub: 'owner', adminGroupIds: ['studio'] });
      const res = await t.graphql<{ _entities: Record<string, any>[] }>(PROFILE, {
        token,
        variables: { reps: [group('studio')] },
      });
      expect(res.errors).toBeUndefined();
      expect(res.data!._entities[0]!.billing.plan.name).toBe('Pro');
    });

    it("refuses a group's ordinary member with FORBIDDEN", async () => {
      const token = await t.token({ sub: 'member' });
      const res = await t.graphql(
        `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Group { billing { id } } } }`,
        {
          token,
          variables: { reps: [group('studio')] },
        },
      );
      expect(res.data).toEqual({ _entities: [{ billing: null }] });
      expect(res.errors).toEqual([
        expect.objectContaining({ path: ['_entities', 0, 'billing'], extensions: { code: 'FORBIDDEN' } }),
      ]);
    });

    it("refuses another user's profile and unpaid flag with FORBIDDEN, revealing nothing", async () => {
      const token = await t.token({ sub: 'mallory' });
      const res = await t.graphql(PROFILE, { token, variables: { reps: [user('grace')] } });
      expect(res.data).toEqual({ _entities: [null] });
      expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN', 'FORBIDDEN']);
      expect(JSON.stringify(res)).not.toMatch(/free|Free|100000000/);
    });

    it('lets admins and services read any profile', async () => {
      for (const roles of [['admin'], ['service']] as const) {
        const token = await t.token({ sub: 'staff', roles: [...roles] });
        const res = await t.graphql<{ _entities: Record<string, any>[] }>(PROFILE, {
          token,
          variables: { reps: [user('grace'), group('studio')] },
        });
        expect(res.errors).toBeUndefined();
        expect(res.data!._entities.map((e) => e.unpaidInvoice)).toEqual([true, false]);
      }
    });

    it("keeps a profile's identity, payment methods and invoices from services, not from admins", async () => {
      const query = `{ billingProfile(owner: { userId: "grace" }) { plan { id } legalIdentity { legalName } paymentMethods { id } invoices { edges { cursor } } } }`;
      const service = await t.graphql(query, { token: await t.token({ sub: 'drive', roles: ['service'] }) });
      expect(service.data).toEqual({
        billingProfile: { plan: { id: 'free' }, legalIdentity: null, paymentMethods: null, invoices: null },
      });
      expect(service.errors?.map((e) => [e.path?.join('.'), e.extensions?.code])).toEqual([
        ['billingProfile.legalIdentity', 'FORBIDDEN'],
        ['billingProfile.paymentMethods', 'FORBIDDEN'],
        ['billingProfile.invoices', 'FORBIDDEN'],
      ]);
      const admin = await t.graphql(query, { token: await t.token({ sub: 'ops', roles: ['admin'] }) });
      expect(admin.errors).toBeUndefined();
    });

    it('reads a profile by owner with billingProfile, and rejects an ambiguous owner', async () => {
      const token = await t.token({ sub: 'grace' });
      const ok = await t.graphql(`{ billingProfile(owner: { userId: "grace" }) { id unpaidInvoice } }`, { token });
      expect(ok.data).toEqual({ billingProfile: { id: 'User:grace', unpaidInvoice: true } });
      const bad = await t.graphql(`{ billingProfile(owner: { userId: "grace", groupId: "studio" }) { id } }`, {
        token,
      });
      expect(bad.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'owner' });
    });
  });

  describe('authentication', () => {
    it('rejects a request without a token', async () => {
      const res = await t.graphql(`{ plans { id } }`);
      expect(res.status).toBe(401);
      expect(res.errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED' });
    });

    it('rejects a token signed with another secret, or expired', async () => {
      const forged = await signDevToken('another-secret-of-at-least-32-characters!', { sub: 'ada' });
      const expired = await signDevToken(
        t.config.auth.mode === 'hs256' ? t.config.auth.secret : '',
        { sub: 'ada' },
        '-1m',
      );
      for (const token of [forged, expired, 'not-a-jwt']) {
        const res = await t.graphql(`{ plans { id } }`, { token });
        expect(res.status).toBe(401);
        expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
        expect(res.data).toBeUndefined();
      }
    });

    it('serves the SDL to the gateway without a token', async () => {
      const res = await t.graphql<{ _service: { sdl: string } }>(`{ _service { sdl } }`);
      expect(res.data!._service.sdl).toContain('type PlanSubscription');
    });
  });

  describe('the plan catalog', () => {
    it('lists the plans on sale, free first, with monthly and yearly prices', async () => {
      const token = await t.token({ sub: 'ada' });
      const res = await t.graphql(
        `{ plans { id name driveStorage parallelDownloads isDefault monthlyPrice { amount currency } yearlyPrice { amount currency } prices { interval price { amount } } } }`,
        { token },
      );
      expect(res.data).toEqual({
        plans: [
          {
            id: 'free',
            name: 'Free',
            driveStorage: '100000000',
            parallelDownloads: 4,
            isDefault: true,
            monthlyPrice: null,
            yearlyPrice: null,
            prices: [],
          },
          expect.objectContaining({
            id: 'lite',
            driveStorage: '100000000000',
            monthlyPrice: { amount: 800, currency: 'EUR' },
            yearlyPrice: { amount: 8000, currency: 'EUR' },
          }),
          expect.objectContaining({
            id: 'pro',
            driveStorage: '400000000000',
            monthlyPrice: { amount: 1600, currency: 'EUR' },
          }),
          expect.objectContaining({
            id: 'ultra',
            driveStorage: '1000000000000',
            monthlyPrice: { amount: 3200, currency: 'EUR' },
          }),
        ],
      });
    });

    it('finds one plan by id, and null for an unknown id', async () => {
      const token = await t.token({ sub: 'ada' });
      const res = await t.graphql(`{ pro: plan(id: "pro") { name } nope: plan(id: "platinum") { name } }`, { token });
      expect(res.data).toEqual({ pro: { name: 'Pro' }, nope: null });
    });
  });

  describe('subscription, payment methods and legal identity', () => {
    it('reads the live subscription with its price, the methods, and the identity', async () => {
      const customer = await customerFor(
        t.db.prisma,
        { userId: 'lin' },
        {
          planId: 'lite',
          driveStorageBytes: 100_000_000_000n,
          parallelDownloads: 8,
          entitlementBasis: 'SUBSCRIPTION',
          legalName: 'Lin SARL',
          addressLine1: '1 rue de la Paix',
          postalCode: '75002',
          city: 'Paris',
          country: 'FR',
          vatNumber: 'FR40303265045',
        },
      );
      await subscriptionFor(t.db.prisma, customer.id, {
        planId: 'lite',
        status: 'CANCELED',
        providerSubscriptionId: 'sub_old',
      });
      await subscriptionFor(t.db.prisma, customer.id, { planId: 'lite', interval: 'YEAR', cancelAtPeriodEnd: true });
      await paymentMethodFor(t.db.prisma, customer.id, { isDefault: true });
      await paymentMethodFor(t.db.prisma, customer.id, {
        type: 'SEPA_DEBIT',
        brand: null,
        last4: '3000',
        expMonth: null,
        expYear: null,
      });
      const token = await t.token({ sub: 'lin' });
      const res = await t.graphql(
        `{ billingProfile(owner: { userId: "lin" }) {
        subscription { status interval price { amount currency } plan { id } cancelAtPeriodEnd currentPeriodEnd version }
        paymentMethods { type brand last4 expMonth isDefault }
        legalIdentity { legalName vatNumber address { line1 postalCode city country line2 } }
      } }`,
        { token },
      );
      expect(res.errors).toBeUndefined();
      expect(res.data).toEqual({
        billingProfile: {
          subscription: {
            status: 'ACTIVE',
            interval: 'YEAR',
            price: { amount: 8000, currency: 'EUR' },
            plan: { id: 'lite' },
            cancelAtPeriodEnd: true,
            currentPeriodEnd: '2026-12-01T00:00:00.000Z',
            version: 1,
          },
          paymentMethods: [
            { type: 'CARD', brand: 'visa', last4: '4242', expMonth: 12, isDefault: true },
            { type: 'SEPA_DEBIT', brand: null, last4: '3000', expMonth: null, isDefault: false },
          ],
          legalIdentity: {
            legalName: 'Lin SARL',
            vatNumber: 'FR40303265045',
            address: { line1: '1 rue de la Paix', postalCode: '75002', city: 'Paris', country: 'FR', line2: null },
          },
        },
      });
    });
  });

  describe('invoices', () => {
    let customerId: string;
    beforeAll(async () => {
      customerId = (await customerFor(t.db.prisma, { userId: 'ivy' })).id;
      for (let month = 1; month <= 5; month++) {
        await invoiceFor(t.db.prisma, customerId, {
          number: `F2026-00000${month}`,
          series: 'F2026',
          sequence: month,
          createdAt: new Date(Date.UTC(2026, month, 1)),
          sellerSnapshot: { legalName: 'Bloom SAS', country: 'FR', vatNumber: 'FR40303265045' },
          buyerSnapshot: { legalName: 'Ivy', city: 'Lyon', country: 'FR' },
        });
      }
    });

    const PAGE = `query($first: Int, $after: String) { billingProfile(owner: { userId: "ivy" }) { invoices(first: $first, after: $after) {
      edges { cursor node { id number status total { amount currency } tax { amount } vatRateBasisPoints vatTreatment seller { legalName vatNumber } buyer { legalName address { city country } } lines { description quantity unitPrice { amount currency } amount { amount } proration } } }
      pageInfo { hasNextPage endCursor } } } }`;

    it('pages newest first with opaque cursors', async () => {
      const token = await t.token({ sub: 'ivy' });
      const first = await t.graphql<any>(PAGE, { token, variables: { first: 2 } });
      expect(first.errors).toBeUndefined();
      const page1 = first.data.billingProfile.invoices;
      expect(page1.edges.map((e: any) => e.node.number)).toEqual(['F2026-000005', 'F2026-000004']);
      expect(page1.pageInfo.hasNextPage).toBe(true);
      expect(page1.edges[0].node).toMatchObject({
        status: 'PAID',
        total: { amount: 960, currency: 'EUR' },
        tax: { amount: 160 },
        vatRateBasisPoints: 2000,
        vatTreatment: 'STANDARD',
        seller: { legalName: 'Bloom SAS', vatNumber: 'FR40303265045' },
        buyer: { legalName: 'Ivy', address: { city: 'Lyon', country: 'FR' } },
        lines: [
          {
            description: 'Lite, monthly',
            quantity: 1,
            unitPrice: { amount: 800, currency: 'EUR' },
            amount: { amount: 800 },
            proration: false,
          },
        ],
      });
      const rest = await t.graphql<any>(PAGE, { token, variables: { first: 10, after: page1.pageInfo.endCursor } });
      expect(rest.data.billingProfile.invoices.edges.map((e: any) => e.node.number)).toEqual([
        'F2026-000003',
        'F2026-000002',
        'F2026-000001',
      ]);
      expect(rest.data.billingProfile.invoices.pageInfo.hasNextPage).toBe(false);
    });

    it('rejects a forged cursor and an out-of-range page size with BAD_USER_INPUT', async () => {
      const token = await t.token({ sub: 'ivy' });
      for (const variables of [{ first: 2, after: 'bm90LWEtY3Vyc29y' }, { first: 0 }, { first: 101 }]) {
        const res = await t.graphql(PAGE, { token, variables });
        expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      }
    });

    it('serves one invoice to its owner only', async () => {
      const [invoice] = await t.db.prisma.invoice.findMany({ where: { customerId }, take: 1 });
      const query = `query($id: ID!) { invoice(id: $id) { number } }`;
      const mine = await t.graphql(query, { token: await t.token({ sub: 'ivy' }), variables: { id: invoice!.id } });
      expect(mine.data).toEqual({ invoice: { number: invoice!.number } });
      const theirs = await t.graphql(query, {
        token: await t.token({ sub: 'mallory' }),
        variables: { id: invoice!.id },
      });
      // Someone else's invoice reads as absent, exactly like an unknown id: no existence oracle.
      expect(theirs).toEqual({ status: 200, data: { invoice: null } });
      const service = await t.graphql(query, {
        token: await t.token({ sub: 'drive', roles: ['service'] }),
        variables: { id: invoice!.id },
      });
      expect(service.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const unknown = await t.graphql(query, {
        token: await t.token({ sub: 'ivy' }),
        variables: { id: '00000000-0000-4000-8000-000000000000' },
      });
      expect(unknown.data).toEqual({ invoice: null });
      const malformed = await t.graphql(query, { token: await t.token({ sub: 'ivy' }), variables: { id: 'in_1' } });
      expect(malformed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    });
  });
});
