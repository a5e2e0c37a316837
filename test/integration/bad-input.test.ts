import { signDevToken } from '../../src/auth/dev-token';
import { DEV_AUTH_SECRET } from '../../src/config';
import { customerFor } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';
import { databaseKinds } from '../support/test-database';

describe.each(databaseKinds)('bad input gets a typed 4xx and changes nothing, on %s', (kind) => {
  let t: TestApp;
  let ada: string;
  let drive: string;
  beforeAll(async () => {
    t = await startTestApp(kind);
    ada = await t.token({ sub: 'ada', adminGroupIds: ['studio'] });
    drive = await t.token({ sub: 'drive', roles: ['service'] });
  });
  afterAll(() => t.close());

  const codeOf = (res: { errors?: { extensions?: Record<string, unknown> }[] }) => res.errors?.[0]?.extensions;

  it('refuses `groupId: ""` instead of acting on the caller\'s own profile', async () => {
    const res = await t.graphql(`mutation { updateBillingProfile(input: { city: "Lyon" }, groupId: "") { id } }`, {
      token: ada,
    });
    expect(codeOf(res)).toEqual({ code: 'BAD_USER_INPUT', field: 'groupId' });
    expect(await t.db.prisma.customer.count()).toBe(0);
  });

  it.each([
    ['a NUL byte', 'ada\u0000'],
    ['5 KB', 'u'.repeat(5000)],
    ['a space', 'a b'],
    ['an empty id', ''],
  ])('refuses an owner id with %s', async (_case, userId) => {
    const res = await t.graphql(`mutation($o: BillingOwnerInput!) { createCustomer(owner: $o) { id } }`, {
      token: drive,
      variables: { o: { userId } },
    });
    expect(codeOf(res)).toEqual({ code: 'BAD_USER_INPUT', field: 'owner.userId' });
    expect(await t.db.prisma.customer.count()).toBe(0);
  });

  it('refuses control characters in the legal identity', async () => {
    const res = await t.graphql(`mutation($n: String) { updateBillingProfile(input: { legalName: $n }) { id } }`, {
      token: ada,
      variables: { n: 'Ada\u0000Lovelace' },
    });
    expect(codeOf(res)).toEqual({ code: 'BAD_USER_INPUT', field: 'legalName' });
    expect(await t.db.prisma.customer.count()).toBe(0);
  });

  it('refuses what an invoice cannot print: other scripts, emoji, bidi overrides, invisible characters', async () => {
    const update = async (field: string, value: string, token = ada) =>
      t.graphql(`mutation($v: String) { updateBillingProfile(input: { ${field}: $v }) { id } }`, {
        token,
        variables: { v: value },
      });
    for (const value of ['中文', 'Ada 😀', 'evil\u202Etxt.exe', 'Ada\u200BLovelace', '1 rue X\u2028Paris', '\uFEFFAda'])
      expect(codeOf(await update('addressLine1', value))).toEqual({ code: 'BAD_USER_INPUT', field: 'addressLine1' });
    expect(await t.db.prisma.customer.count()).toBe(0);
    const athena = await t.token({ sub: 'athena' });
    expect((await update('legalName', 'Ἀθηνᾶ Ωμέγα, Жук, Łódź – Ærø', athena)).errors).toBeUndefined();
  });

  it('refuses used storage of 2^63 bytes or more', async () => {
    const asVariable = await t.graphql(
      `mutation($b: Bytes!) { reportStorageUsage(owner: { userId: "ada" }, usedBytes: $b) { id } }`,
      { token: drive, variables: { b: '9223372036854775808' } },
    );
    expect([asVariable.status, codeOf(asVariable)?.code]).toEqual([400, 'BAD_USER_INPUT']);
    const asLiteral = await t.graphql(
      `mutation { reportStorageUsage(owner: { userId: "ada" }, usedBytes: "9223372036854775808") { id } }`,
      { token: drive },
    );
    expect([asLiteral.status, codeOf(asLiteral)?.code]).toEqual([400, 'GRAPHQL_VALIDATION_FAILED']);
    expect(await t.db.prisma.customer.count({ where: { userId: 'ada' } })).toBe(0);
  });

  it('refuses a forged cursor dated year -100000', async () => {
    const after = Buffer.from('-100000-01-01T00:00:00.000Z|9b2f6f5e-3c1a-4c1e-9a57-0d9d5b1f2a10').toString('base64url');
    const res = await t.graphql(
      `query($a: String) { billingProfile(owner: { userId: "ada" }) { invoices(after: $a) { edges { cursor } } } }`,
      { token: ada, variables: { a: after } },
    );
    expect(res.errors?.[0]).toMatchObject({
      path: ['billingProfile', 'invoices'],
      extensions: { code: 'BAD_USER_INPUT', field: 'after' },
    });
  });

  it.each([
    ['not an object', [42]],
    ['no __typename', [{ id: 'ada' }]],
    ['a type this subgraph does not resolve', [{ __typename: 'Plan', id: 'pro' }]],
    ['no id', [{ __typename: 'User' }]],
    ['a numeric id', [{ __typename: 'User', id: 7 }]],
    ['a 5 KB id', [{ __typename: 'User', id: 'u'.repeat(5000) }]],
  ])('refuses an `_entities` representation with %s', async (_case, reps) => {
    const res = await t.graphql(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { unpaidInvoice } } }`,
      { token: drive, variables: { r: reps } },
    );
    expect(codeOf(res)).toEqual({ code: 'BAD_USER_INPUT', field: 'representations' });
  });

  it('refuses a token whose subject is not an id', async () => {
    const token = await signDevToken(DEV_AUTH_SECRET, { sub: 'ada\u0000' });
    const res = await t.graphql(`{ plans { id } }`, { token });
    expect(res.status).toBe(401);
    expect(codeOf(res)?.code).toBe('UNAUTHENTICATED');
  });

  it("refuses an operation name that names no operation of the document (GraphiQL sends the tab's), typed", async () => {
    const send = (body: object) =>
      fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ada}` },
        body: JSON.stringify(body),
      }).then(async (response) => ({ status: response.status, ...((await response.json()) as object) }));
    for (const operationName of ['Foo', '']) {
      const res = await send({ query: '{ plans { id } }', operationName });
      expect(res).toEqual({
        status: 400,
        errors: [
          {
            message: `Unknown operation named "${operationName}".`,
            extensions: { code: 'OPERATION_RESOLUTION_FAILURE' },
          },
        ],
      });
    }
    const twoOperations = await send({
      query: 'query A { plans { id } } mutation B { closeCustomer(owner: { userId: "ada" }) }',
    });
    expect(twoOperations).toMatchObject({
      status: 400,
      errors: [{ extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } }],
    });
  });

  it('reads a legal identity that has only an address', async () => {
    await customerFor(t.db.prisma, { userId: 'addressed' }, { addressLine1: '1 rue X', city: 'Paris' });
    const token = await t.token({ sub: 'addressed' });
    const res = await t.graphql<any>(
      `{ billingProfile(owner: { userId: "addressed" }) { legalIdentity { legalName address { line1 city } } } }`,
      { token },
    );
    expect(res.data.billingProfile.legalIdentity).toEqual({
      legalName: null,
      address: { line1: '1 rue X', city: 'Paris' },
    });
  });
});
