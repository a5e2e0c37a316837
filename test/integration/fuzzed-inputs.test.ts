// Property: whatever a client sends as arguments (unicode, NUL, huge, negative, wrong types, other owners'
// ids), the answer is never INTERNAL_SERVER_ERROR or a 5xx, and an answer that is an error changed no row.
import fc from 'fast-check';
import { BillingHarness } from '../support/billing-harness';
import { invoiceFor } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

const BUSINESS_TABLES = [
  'customers',
  'subscriptions',
  'invoices',
  'invoice_lines',
  'invoice_number_series',
  'payment_methods',
  'plans',
  'plan_prices',
  'provider_events',
];

type Caller = 'owner' | 'service' | 'admin' | 'stranger';

interface Operation {
  name: string;
  document: string;
  /** Who normally calls it: the generator uses that token most of the time, another one otherwise. */
  caller: Caller;
  /** Variable name -> plausible values of its type (the generator mixes them with hostile ones). */
  variables: Record<string, unknown[]>;
}

const IDENTITY_FIELDS = [
  'legalName',
  'addressLine1',
  'addressLine2',
  'postalCode',
  'city',
  'region',
  'country',
  'vatNumber',
  'billingEmail',
];

function operations(known: { bobInvoice: string; bobMethod: string; adaMethod: string }): Operation[] {
  const groupId = [null, 'studio', 'rivals', ''];
  const owner = [{ userId: 'ada' }, { userId: 'bob' }, { groupId: 'studio' }, { userId: 'ada', groupId: 'studio' }, {}];
  const version = [1, 0, -1, 2_147_483_647];
  const plan = ['lite', 'pro', 'free', 'platinum'];
  const interval = ['MONTH', 'YEAR', 'WEEK'];
  const methods = [known.adaMethod, known.bobMethod, '00000000-0000-0000-0000-000000000000'];
  const byCaller: Record<string, Caller> = {
    createCustomer: 'service',
    reportStorageUsage: 'service',
    closeCustomer: 'service',
    reconcileCustomer: 'admin',
  };
  const mutation = (
    field: string,
    args: string,
    declared: string,
    variables: Record<string, unknown[]>,
  ): Operation => ({
    name: field,
    document: `mutation(${declared}) { ${field}(${args}) { __typename } }`,
    caller: byCaller[field] ?? 'owner',
    variables,
  });
  return [
    mutation('updateBillingProfile', 'input: $input, groupId: $g', '$input: BillingProfileInput!, $g: ID', {
      input: [{ city: 'Lyon' }, { country: 'FR', vatNumber: 'FR40303265045' }, { legalName: null }, { country: 'DE' }],
      g: groupId,
    }),
    mutation('startPaymentMethodSetup', 'groupId: $g', '$g: ID', { g: groupId }),
    mutation('completePaymentMethodSetup', 'setupIntentId: $s, groupId: $g', '$s: ID!, $g: ID', {
      s: ['seti_123', 'seti_'],
      g: groupId,
    }),
    mutation('setDefaultPaymentMethod', 'paymentMethodId: $p, groupId: $g', '$p: ID!, $g: ID', {
      p: methods,
      g: groupId,
    }),
    mutation('removePaymentMethod', 'paymentMethodId: $p, groupId: $g', '$p: ID!, $g: ID', { p: methods, g: groupId }),
    mutation('subscribe', 'planId: $p, interval: $i, groupId: $g', '$p: ID!, $i: BillingInterval!, $g: ID', {
      p: plan,
      i: interval,
      g: groupId,
    }),
    mutation(
      'changePlan',
      'planId: $p, interval: $i, expectedVersion: $v, groupId: $g',
      '$p: ID!, $i: BillingInterval!, $v: Int!, $g: ID',
      {
        p: plan,
        i: interval,
        v: version,
        g: groupId,
      },
    ),
    mutation(
      'cancelSubscription',
      'atPeriodEnd: $a, expectedVersion: $v, groupId: $g',
      '$a: Boolean, $v: Int!, $g: ID',
      { a: [true, false, null], v: version, g: groupId },
    ),
    mutation('resumeSubscription', 'expectedVersion: $v, groupId: $g', '$v: Int!, $g: ID', { v: version, g: groupId }),
    mutation('payInvoice', 'invoiceId: $i, paymentMethodId: $p', '$i: ID!, $p: ID', {
      i: [known.bobInvoice, '00000000-0000-0000-0000-000000000000'],
      p: [null, ...methods],
    }),
    mutation('createCustomer', 'owner: $o', '$o: BillingOwnerInput!', { o: owner }),
    mutation('reportStorageUsage', 'owner: $o, usedBytes: $b', '$o: BillingOwnerInput!, $b: Bytes!', {
      o: owner,
      b: ['0', '1000', '9223372036854775807', '9223372036854775808', -1],
    }),
    mutation('closeCustomer', 'owner: $o', '$o: BillingOwnerInput!', { o: owner }),
    mutation('reconcileCustomer', 'owner: $o', '$o: BillingOwnerInput!', { o: owner }),
    { name: 'plan', caller: 'owner', document: 'query($id: ID!) { plan(id: $id) { id } }', variables: { id: plan } },
    {
      name: 'invoice',
      caller: 'owner',
      document: 'query($id: ID!) { invoice(id: $id) { id } }',
      variables: { id: [known.bobInvoice] },
    },
    {
      name: 'billingProfile',
      caller: 'owner',
      document:
        'query($o: BillingOwnerInput!, $n: Int, $a: String) { billingProfile(owner: $o) { id invoices(first: $n, after: $a) { edges { cursor } } } }',
      variables: {
        o: owner,
        n: [1, 20, 100, 0, -1, 101],
        a: [null, 'MjAyNi0xMS0yN1QwMDowMDowMC4wMDBafDAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMA'],
      },
    },
    {
      name: 'previewPlanChange',
      caller: 'owner',
      document:
        'query($p: ID!, $i: BillingInterval!, $g: ID) { previewPlanChange(planId: $p, interval: $i, groupId: $g) { total { amount } } }',
      variables: { p: plan, i: interval, g: groupId },
    },
    {
      name: '_entities',
      caller: 'service',
      document:
        'query($r: [_Any!]!) { _entities(representations: $r) { ... on User { unpaidInvoice } ... on Group { unpaidInvoice } } }',
      variables: {
        r: [
          [{ __typename: 'User', id: 'ada' }],
          [{ __typename: 'Group', id: 'studio' }],
          [{ __typename: 'Plan', id: 'x' }],
          [{}],
        ],
      },
    },
  ];
}

/** Values no argument expects, one class each: the generator puts them in one argument, or one field of it. */
const HOSTILE_CLASSES: fc.Arbitrary<unknown>[] = [
  fc.string({ unit: 'binary', maxLength: 10 }).map((text) => `${text}\u0000${text}`),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer({ min: 1000, max: 6000 }).map((length) => 'x'.repeat(length)),
  fc.bigInt({ min: 2n ** 63n - 1n, max: 2n ** 80n }).map(String),
  fc.constantFrom(
    '',
    ' ',
    '\uD800',
    '-1',
    '1e400',
    "'; DROP TABLE customers; --",
    '../../etc/passwd',
    '9223372036854775808',
  ),
  fc.oneof(fc.integer(), fc.double(), fc.constantFrom(2 ** 31, -(2 ** 53), Number.MAX_VALUE)),
  fc.oneof(fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 })),
  fc.dictionary(
    fc.constantFrom('userId', 'groupId', '__typename', 'id', ...IDENTITY_FIELDS),
    fc.string({ unit: 'binary', maxLength: 8 }),
    { maxKeys: 4 },
  ),
];
const hostileValue = fc.oneof(...HOSTILE_CLASSES);

/** The nastiest value of each kind, tried in every argument before the random runs. */
const NAMED_HOSTILES = ['a\u0000b', '9223372036854775808', 'x'.repeat(5000), ''];

type Variables = Record<string, unknown>;

/** `target` gets `hostile`: the whole value, or one field of it when it is an input object. */
function withHostile(variables: Variables, target: string, field: string | null, hostile: unknown): Variables {
  const value = variables[target];
  const isObject = !!value && typeof value === 'object' && !Array.isArray(value);
  return { ...variables, [target]: field && isObject ? { ...(value as object), [field]: hostile } : hostile };
}

/** Plausible values everywhere, and most of the time one hostile value in one argument (or one field of it). */
function argumentsOf(operation: Operation): fc.Arbitrary<Variables> {
  const names = Object.keys(operation.variables);
  const plausible = fc
    .tuple(...names.map((name) => fc.constantFrom(...operation.variables[name]!)))
    .map((values) => Object.fromEntries(names.map((name, i) => [name, values[i]])));
  const field = fc.option(fc.constantFrom(...IDENTITY_FIELDS, 'userId', 'groupId', '__typename', 'id'), { nil: null });
  return fc.oneof(
    { arbitrary: plausible, weight: 1 },
    {
      arbitrary: fc
        .tuple(plausible, fc.constantFrom(...names), field, hostileValue)
        .map(([variables, target, inside, hostile]) => withHostile(variables, target, inside, hostile)),
      weight: 4,
    },
  );
}

/** For each argument (and each field of an object argument): the named hostile values, the others plausible. */
function examplesOf(operation: Operation, caller: Caller): [Variables, Caller][] {
  const base = Object.fromEntries(Object.entries(operation.variables).map(([name, values]) => [name, values[0]]));
  return Object.entries(base).flatMap(([name, value]) => {
    const fields = value && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : [null];
    return fields.flatMap((inside) =>
      NAMED_HOSTILES.map((hostile): [Variables, Caller] => [withHostile(base, name, inside, hostile), caller]),
    );
  });
}

describe('every argument, fuzzed', () => {
  let t: TestApp;
  let tokens: Record<Caller, string>;
  const ops: Operation[] = [];

  beforeAll(async () => {
    t = await startTestApp('pglite');
    // Provider webhooks would change rows between two snapshots: the emulator's deliveries wait meanwhile.
    t.refuseWebhooks(true);
    tokens = {
      owner: await t.token({ sub: 'ada', adminGroupIds: ['studio'] }),
      stranger: await t.token({ sub: 'mallory' }),
      service: await t.token({ sub: 'drive', roles: ['service'] }),
      admin: await t.token({ sub: 'root', roles: ['admin'] }),
    };
    // Payment methods saved as the web app saves them, so the provider knows them too.
    const h = new BillingHarness(t);
    const saved = async (sub: string) =>
      (await h.savePaymentMethod({ token: await t.token({ sub }) }, 'pm_card_visa')).paymentMethod.id as string;
    const [adaMethod, bobMethod] = [await saved('ada'), await saved('bob')];
    const bob = await t.db.prisma.customer.findFirstOrThrow({ where: { userId: 'bob' } });
    const bobInvoice = await invoiceFor(t.db.prisma, bob.id, { status: 'OPEN', amountPaid: 0 });
    ops.push(...operations({ bobInvoice: bobInvoice.id, bobMethod, adaMethod }));
  });
  afterAll(() => t.close());

  /** One digest per business table, in one statement. */
  const snapshot = async () => {
    const digests = BUSINESS_TABLES.map(
      (table) =>
        `SELECT '${table}' AS name, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS digest FROM ${table} t`,
    );
    return (await t.db.executeSql(digests.join(' UNION ALL '), [])).rows;
  };

  const operationNames = operations({ bobInvoice: '', bobMethod: '', adaMethod: '' }).map(
    (operation) => operation.name,
  );

  it.each(operationNames)('%s: never INTERNAL_SERVER_ERROR, and an error writes nothing', async (name) => {
    const operation = ops.find((candidate) => candidate.name === name)!;
    const caller = fc.oneof(
      { arbitrary: fc.constant(operation.caller), weight: 3 },
      fc.constantFrom<Caller>('owner', 'service', 'admin', 'stranger'),
    );
    let before = await snapshot();
    await fc.assert(
      fc.asyncProperty(argumentsOf(operation), caller, async (variables, as) => {
        const res = await t.graphql<Record<string, unknown>>(operation.document, { token: tokens[as], variables });
        const masked = (res.errors ?? []).filter((error) => error.extensions?.code === 'INTERNAL_SERVER_ERROR');
        expect({ status: res.status, masked }).toEqual({ status: expect.any(Number), masked: [] });
        expect(res.status).toBeLessThan(500);
        const after = await snapshot();
        if (res.errors?.length && !res.data?.[operation.name]) expect(after).toEqual(before);
        before = after;
      }),
      {
        numRuns: 20,
        examples: examplesOf(operation, operation.caller),
        seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31),
      },
    );
  });
});
