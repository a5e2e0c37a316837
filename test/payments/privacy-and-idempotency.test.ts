import { startStripeEmulator, type RunningStripeEmulator } from '@billing-subgraph/stripe-emulator';
import { BillingHarness } from '../support/billing-harness.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { describeEachDatabase } from '../support/test-database.ts';
import { requestLog, startStripeProxy, type LoggedRequest, type StripeProxy } from './provider-harness.ts';

/** Field names that carry personal data in Stripe's API, at any depth of a request. */
const PERSONAL_FIELDS = new Set([
  'name',
  'email',
  'phone',
  'address',
  'line1',
  'line2',
  'city',
  'postal_code',
  'shipping',
  'description',
  'billing_details',
  'tax_id_data',
  'tax_ids',
  'individual',
]);
/** The only metadata keys the service may write: ids and tags, never data about a person. */
const METADATA_KEYS = new Set(['anonymous_id', 'plan_id', 'price_id', 'tax_rate_key', 'vat_decision']);
const EMAIL = /[^\s@]+@[^\s@]+\.[^\s@]+/;

const IDENTITY = {
  legalName: 'Ada Lovelace Analytique SARL',
  addressLine1: '12 rue des Machines',
  addressLine2: 'Bâtiment Babbage',
  postalCode: '49260',
  city: 'Montreuil-Bellay',
  country: 'FR',
  vatNumber: 'FR40303265045',
  billingEmail: 'ada.lovelace@example.org',
};
const MOVED = {
  legalName: 'Ada Lovelace Analytik GmbH',
  addressLine1: 'Hauptstraße 5',
  addressLine2: null,
  postalCode: '10115',
  city: 'Berlin-Mitte',
  country: 'DE',
  vatNumber: 'DE136695976',
};
const PERSONAL_VALUES = [...Object.values(IDENTITY), ...Object.values(MOVED)].filter(
  (value): value is string => value !== null && value.length > 2,
);

/** Every place in the request log where personal data reached the provider: a known value, a personal field, or an e-mail. */
function personalData(requests: LoggedRequest[], values: string[]): string[] {
  const findings: string[] = [];
  const visit = (request: LoggedRequest, value: unknown, path: string[]): void => {
    const where = `${request.method} ${request.path} ${path.join('.')}`;
    if (typeof value === 'string') {
      if (EMAIL.test(value)) findings.push(`${where}: an e-mail address`);
      for (const personal of values)
        if (value.toLowerCase().includes(personal.toLowerCase())) findings.push(`${where}: "${personal}"`);
    }
    if (typeof value !== 'object' || value === null) return;
    for (const [key, nested] of Object.entries(value)) {
      const field = [...path, key];
      // A product's name is the plan's name: catalog data, not a person's.
      const catalogName = field.join('.') === 'name' && request.path.startsWith('/v1/products');
      if (PERSONAL_FIELDS.has(key) && !catalogName)
        findings.push(`${request.method} ${request.path} ${field.join('.')}`);
      if (path.at(-1) === 'metadata' && !METADATA_KEYS.has(key))
        findings.push(`${request.method} ${request.path} ${field.join('.')}: metadata`);
      visit(request, nested, field);
    }
  };
  for (const request of requests) visit(request, request.params, []);
  return findings;
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

describeEachDatabase('what the service sends the payment provider (%s)', (kind) => {
  let emulator: RunningStripeEmulator;
  let proxy: StripeProxy;
  let t: TestApp;
  let h: BillingHarness;
  /** While set, the proxy forwards the matching requests and drops the connection instead of answering. */
  let losingAnswers: ((request: { method: string; path: string; body: string }) => boolean) | null = null;

  beforeAll(async () => {
    emulator = await startStripeEmulator({});
    proxy = await startStripeProxy(emulator.port, (_attempt, request) =>
      losingAnswers?.(request) ? 'lose-answer' : 'forward',
    );
    // The app reaches the emulator through the proxy only.
    t = await startTestApp(
      kind,
      {},
      { sharedStripeEmulator: { ...emulator, port: proxy.port, url: `http://127.0.0.1:${proxy.port}` } },
    );
    h = new BillingHarness(t);
  });
  afterAll(async () => {
    await t.close();
    await proxy.close();
    await emulator.close();
  });

  /**
   * A whole lifecycle through GraphQL for `sub`, with a legal identity, an answer lost to subscribe and a plan
   * change retried after an outage; `sent` is every request the provider received meanwhile.
   */
  async function lifecycle(sub: string): Promise<{
    sent: LoggedRequest[];
    customerId: string;
    anonymousId: string;
    subscriptionId: string;
    changedFrom: number;
  }> {
    const before = (await requestLog(emulator)).length;
    const actor = { token: await t.token({ sub }) };
    const identity = await t.graphql(
      `mutation($input: BillingProfileInput!) { updateBillingProfile(input: $input) { id } }`,
      { token: actor.token, variables: { input: IDENTITY } },
    );
    expect(identity.errors).toBeUndefined();
    const visa = await h.savePaymentMethod(actor, 'pm_card_visa');

    // The provider creates the subscription but its answer never arrives: the adapter asks again.
    let lost = 0;
    losingAnswers = ({ method, path }) => method === 'POST' && path === '/v1/subscriptions' && lost++ === 0;
    try {
      expect(await h.subscribe(actor, 'lite')).toMatchObject({ __typename: 'Subscribed' });
    } finally {
      losingAnswers = null;
    }
    const mastercard = await h.savePaymentMethod(actor, 'pm_card_mastercard');
    await h.mutate(actor, `mutation($id: ID!) { setDefaultPaymentMethod(paymentMethodId: $id) { id } }`, {
      id: mastercard.paymentMethod.id,
    });
    await h.mutate(actor, `{ previewPlanChange(planId: "pro", interval: MONTH) { amountDue { amount } } }`);

    // Every answer to the plan change is lost: the mutation fails, and the client sends it again. No webhook
    // moves the version meanwhile (the earlier steps' are all processed first): the retry is the same request.
    await h.settled();
    t.refuseWebhooks(true);
    const { version, id: subscriptionId } = (await h.profile(actor, `{ userId: "${sub}" }`)).subscription;
    const CHANGE = `mutation($v: Int!) { changePlan(planId: "pro", interval: MONTH, expectedVersion: $v) { __typename ... on BillingError { code } } }`;
    losingAnswers = ({ method, path, body }) =>
      method === 'POST' && path.startsWith('/v1/subscriptions/') && body.includes('items');
    try {
      const lost = await t.graphql(CHANGE, { token: actor.token, variables: { v: version } });
      expect(lost.errors?.[0]?.extensions?.code).toBe('PROVIDER_UNAVAILABLE');
    } finally {
      losingAnswers = null;
    }
    expect((await h.mutate(actor, CHANGE, { v: version })).changePlan).toEqual({ __typename: 'PlanChanged' });
    t.refuseWebhooks(false);

    const current = (await h.profile(actor, `{ userId: "${sub}" }`)).subscription;
    await h.mutate(actor, `mutation($v: Int!) { cancelSubscription(expectedVersion: $v) { __typename } }`, {
      v: current.version,
    });
    const cancelled = (await h.profile(actor, `{ userId: "${sub}" }`)).subscription;
    await h.mutate(actor, `mutation($v: Int!) { resumeSubscription(expectedVersion: $v) { __typename } }`, {
      v: cancelled.version,
    });
    // A move abroad: the live subscription's tax rates follow (reverse charge).
    await h.mutate(actor, `mutation($input: BillingProfileInput!) { updateBillingProfile(input: $input) { id } }`, {
      input: MOVED,
    });
    await h.mutate(actor, `mutation($id: ID!) { removePaymentMethod(paymentMethodId: $id) { __typename } }`, {
      id: visa.paymentMethod.id,
    });
    await h.settled();
    const customer = await t.db.prisma.customer.findFirstOrThrow({ where: { userId: sub } });
    return {
      sent: (await requestLog(emulator)).slice(before),
      customerId: customer.id,
      anonymousId: customer.anonymousId,
      subscriptionId,
      changedFrom: version,
    };
  }

  it('keys every write with the intent it belongs to, and a retried mutation sends its first key again', async () => {
    const { sent, customerId, anonymousId, subscriptionId, changedFrom } = await lifecycle('keys');
    const operations = await t.db.prisma.billingOperation.findMany({
      where: { customerId },
      orderBy: { createdAt: 'asc' },
    });
    const idsOf = (kind: string) =>
      operations.filter((operation) => operation.kind === kind).map((operation) => operation.id);
    const posts = sent.filter((request) => request.method === 'POST');
    const keysOf = (path: string | RegExp) =>
      posts
        .filter((request) => (typeof path === 'string' ? request.path === path : path.test(request.path)))
        .map((request) => request.idempotency_key);

    expect(keysOf('/v1/customers')).toEqual([`customer:${anonymousId}`]);
    expect(keysOf('/v1/setup_intents')).toEqual(idsOf('START_PAYMENT_METHOD_SETUP').map((id) => `setup:${id}`));
    // The lost answer: the same request twice under the intent's key, the second replayed by the provider.
    const [subscribe] = idsOf('SUBSCRIBE');
    const creations = posts.filter((request) => request.path === '/v1/subscriptions');
    expect(creations.map((request) => [request.idempotency_key, request.idempotent_replayed])).toEqual([
      [`subscribe:${subscribe}`, false],
      [`subscribe:${subscribe}`, true],
    ]);
    expect(keysOf(/^\/v1\/customers\/cus_/)).toEqual(idsOf('SET_DEFAULT_PAYMENT_METHOD').map((id) => `default:${id}`));

    // The plan change: every attempt of the failed mutation and of its retry under one key; one change made.
    const changes = posts.filter(
      (request) => request.path.startsWith('/v1/subscriptions/') && (request.params as { items?: unknown }).items,
    );
    expect(changes.length).toBeGreaterThan(1);
    expect(new Set(changes.map((request) => request.idempotency_key))).toEqual(
      new Set([`change:${subscriptionId}:${changedFrom}`]),
    );
    expect(changes.filter((request) => !request.idempotent_replayed)).toHaveLength(1);
    const providerCustomer = await h.providerCustomerId({ userId: 'keys' });
    const prorations = (await h.stripe.invoices.list({ customer: providerCustomer })).data.filter(
      (invoice) => invoice.billing_reason === 'subscription_update',
    );
    expect(prorations).toHaveLength(1);

    // Every other write of the service carries a key of its own form, never one the SDK made up.
    const ours = new RegExp(
      `^(customer|setup|subscribe|default|pay|detach|tax-rates):${UUID}(:subscription)?$|^(change|tax-rates|cancel|resume):${UUID}:(\\d+|${UUID})$|^price:[\\w-]+(:[\\w-]+)?$|^tax-rate:[A-Z]{2}:\\d+(:[\\w-]+)?$|^invoice-vat:in_\\w+:v1:[\\w:-]+$`,
    );
    // The browser confirms setup intents with Stripe.js; a preview changes nothing and has no key of ours.
    const serviceWrites = posts.filter(
      (request) => !request.path.endsWith('/confirm') && request.path !== '/v1/invoices/create_preview',
    );
    expect(
      serviceWrites
        .filter((request) => !ours.test(request.idempotency_key ?? ''))
        .map((request) => `${request.path} ${request.idempotency_key}`),
    ).toEqual([]);
  });

  it('sends no personal data (name, e-mail, address, VAT number) in any request to the provider', async () => {
    const { sent } = await lifecycle('privacy');
    expect(sent.length).toBeGreaterThan(40);
    expect(personalData(sent, PERSONAL_VALUES)).toEqual([]);
  });

  it('the scan finds personal data anywhere in a request', async () => {
    const { id } = await h.stripe.customers.create({ metadata: { anonymous_id: 'x' } });
    await h.stripe.customers.update(id, {
      description: `for ${IDENTITY.legalName}`,
      address: { city: 'Lyon' },
      metadata: { full_name: 'Jane Doe', note: IDENTITY.vatNumber },
    });
    const mine = (await requestLog(emulator)).filter((request) => request.path === `/v1/customers/${id}`);
    expect(personalData(mine, PERSONAL_VALUES)).toEqual([
      `POST /v1/customers/${id} description`,
      `POST /v1/customers/${id} description: "${IDENTITY.legalName}"`,
      `POST /v1/customers/${id} address`,
      `POST /v1/customers/${id} address.city`,
      `POST /v1/customers/${id} metadata.full_name: metadata`,
      `POST /v1/customers/${id} metadata.note: metadata`,
      `POST /v1/customers/${id} metadata.note: "${IDENTITY.vatNumber}"`,
    ]);
  });
});
