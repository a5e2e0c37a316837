import { customerFor, invoiceFor } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';
import { databaseKinds } from '../support/test-database';

const SEARCH = `query($q: String!, $first: Int, $after: String) { searchCustomers(query: $q, first: $first, after: $after) {
  edges { matchedOn node { id legalIdentity { legalName billingEmail } } } pageInfo { hasNextPage endCursor } } }`;

const LISTING = `query($filter: InvoiceFilter, $first: Int, $after: String) { invoiceListing(filter: $filter) {
  page(first: $first, after: $after) { edges { node { number status total { amount currency } } } pageInfo { hasNextPage endCursor } }
  totals { currency count subtotal { amount } tax { amount } total { amount } amountPaid { amount } amountDue { amount } } } }`;

const buyer = (legalName: string, country: string, vatNumber: string | null = null) => ({
  legalName,
  country,
  vatNumber,
  addressLine1: '1 rue X',
  city: 'Paris',
});

describe.each(databaseKinds)('admins finding customers and invoices on %s', (kind) => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await startTestApp(kind);
    admin = await t.token({ sub: 'alice-admin', roles: ['admin'] });
    const p = t.db.prisma;
    const acme = await customerFor(
      p,
      { userId: 'u-acme' },
      {
        legalName: 'ACME Widgets SARL',
        billingEmail: 'billing@acme.example',
        providerCustomerId: 'cus_acme',
        country: 'FR',
        createdAt: new Date('2026-01-01T00:00:00Z'),
      },
    );
    const widget = await customerFor(
      p,
      { groupId: 'g-widget' },
      {
        legalName: 'Widget GmbH',
        billingEmail: 'ap@widget.example',
        country: 'DE',
        createdAt: new Date('2026-02-01T00:00:00Z'),
      },
    );
    await customerFor(
      p,
      { userId: 'u-other' },
      { legalName: 'Other Ltd', billingEmail: 'acme_fan@mail.example', createdAt: new Date('2026-03-01T00:00:00Z') },
    );
    await customerFor(
      p,
      { userId: 'u-closed' },
      { legalName: 'Gone ACME', createdAt: new Date('2026-04-01T00:00:00Z') },
    ).then((c) => p.customer.update({ where: { id: c.id }, data: { userId: null, closedAt: new Date() } }));
    const issued = (at: string) => ({ issuedAt: new Date(at), createdAt: new Date(at) });
    await invoiceFor(p, acme.id, {
      number: 'F2026-000001',
      series: 'F2026',
      sequence: 1,
      buyerSnapshot: buyer('ACME Widgets SARL', 'FR'),
      ...issued('2026-03-05T10:00:00Z'),
    });
    await invoiceFor(p, acme.id, {
      number: 'F2026-000002',
      series: 'F2026',
      sequence: 2,
      status: 'OPEN',
      amountPaid: 0,
      buyerSnapshot: buyer('ACME Widgets SARL', 'FR'),
      ...issued('2026-04-05T10:00:00Z'),
    });
    await invoiceFor(p, widget.id, {
      number: 'F2026-000003',
      series: 'F2026',
      sequence: 3,
      subtotal: 1600,
      taxAmount: 0,
      total: 1600,
      amountPaid: 1600,
      amountDue: 1600,
      vatRateBps: 0,
      vatTreatment: 'REVERSE_CHARGE',
      buyerSnapshot: buyer('=Widget "GmbH", Berlin', 'DE', 'DE136695976'),
      ...issued('2026-04-10T10:00:00Z'),
    });
    await invoiceFor(p, widget.id, {
      number: 'F2026-000004',
      series: 'F2026',
      sequence: 4,
      currency: 'USD',
      buyerSnapshot: buyer('Widget GmbH', 'DE'),
      ...issued('2026-04-20T10:00:00Z'),
    });
  });
  afterAll(() => t.close());

  const search = async (q: string, variables: Record<string, unknown> = {}) => {
    const res = await t.graphql<any>(SEARCH, { token: admin, variables: { q, ...variables } });
    expect(res.errors).toBeUndefined();
    return res.data.searchCustomers;
  };
  const ids = (page: any) => page.edges.map((e: any) => `${e.node.id}:${e.matchedOn}`);

  it('finds a customer by owner id, provider customer id and invoice number, exactly', async () => {
    expect(ids(await search('u-acme'))).toEqual(['User:u-acme:OWNER_ID']);
    expect(ids(await search('g-widget'))).toEqual(['Group:g-widget:OWNER_ID']);
    expect(ids(await search('cus_acme'))).toEqual(['User:u-acme:PROVIDER_CUSTOMER_ID']);
    expect(ids(await search('F2026-000003'))).toEqual(['Group:g-widget:INVOICE_NUMBER']);
    expect(ids(await search('F2026-0000'))).toEqual([]);
  });

  it('finds by a part of the legal name or billing e-mail, in any case, newest first, never a closed profile', async () => {
    expect(ids(await search('acme'))).toEqual(['User:u-other:BILLING_EMAIL', 'User:u-acme:LEGAL_NAME']);
    expect(ids(await search('WIDGET'))).toEqual(['Group:g-widget:LEGAL_NAME', 'User:u-acme:LEGAL_NAME']);
    expect(ids(await search('@widget.example'))).toEqual(['Group:g-widget:BILLING_EMAIL']);
  });

  it('matches `%`, `_` and `\\` as themselves, not as wildcards', async () => {
    for (const q of ['%%', '__', '%a%', 'a_m', '\\%']) expect(ids(await search(q))).toEqual([]);
    expect(ids(await search('acme_fan'))).toEqual(['User:u-other:BILLING_EMAIL']);
    expect(ids(await search('acme_'))).toEqual(['User:u-other:BILLING_EMAIL']);
  });

  it('pages with a cursor', async () => {
    const first = await search('example', { first: 2 });
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await search('example', { first: 2, after: first.pageInfo.endCursor });
    expect([...ids(first), ...ids(second)]).toEqual([
      'User:u-other:BILLING_EMAIL',
      'Group:g-widget:BILLING_EMAIL',
      'User:u-acme:BILLING_EMAIL',
    ]);
    expect(second.pageInfo.hasNextPage).toBe(false);
  });

  it('lists invoices across customers by period, status and country, with totals per currency', async () => {
    const all = await t.graphql<any>(LISTING, { token: admin });
    expect(all.data.invoiceListing.page.edges.map((e: any) => e.node.number)).toEqual([
      'F2026-000004',
      'F2026-000003',
      'F2026-000002',
      'F2026-000001',
    ]);
    expect(all.data.invoiceListing.totals).toEqual([
      {
        currency: 'EUR',
        count: 3,
        subtotal: { amount: 3200 },
        tax: { amount: 320 },
        total: { amount: 3520 },
        amountPaid: { amount: 2560 },
        amountDue: { amount: 3520 },
      },
      {
        currency: 'USD',
        count: 1,
        subtotal: { amount: 800 },
        tax: { amount: 160 },
        total: { amount: 960 },
        amountPaid: { amount: 960 },
        amountDue: { amount: 960 },
      },
    ]);
    const april = await t.graphql<any>(LISTING, {
      token: admin,
      variables: {
        filter: { issuedFrom: '2026-04-01T00:00:00Z', issuedBefore: '2026-05-01T00:00:00Z', country: 'DE' },
        first: 1,
      },
    });
    expect(april.data.invoiceListing.page.edges.map((e: any) => e.node.number)).toEqual(['F2026-000004']);
    expect(april.data.invoiceListing.page.pageInfo.hasNextPage).toBe(true);
    expect(april.data.invoiceListing.totals.map((x: any) => [x.currency, x.count])).toEqual([
      ['EUR', 1],
      ['USD', 1],
    ]);
    const next = await t.graphql<any>(LISTING, {
      token: admin,
      variables: {
        filter: { issuedFrom: '2026-04-01T00:00:00Z', issuedBefore: '2026-05-01T00:00:00Z', country: 'DE' },
        after: april.data.invoiceListing.page.pageInfo.endCursor,
      },
    });
    expect(next.data.invoiceListing.page.edges.map((e: any) => e.node.number)).toEqual(['F2026-000003']);
    const open = await t.graphql<any>(LISTING, { token: admin, variables: { filter: { status: 'OPEN' } } });
    expect(open.data.invoiceListing.page.edges.map((e: any) => e.node.number)).toEqual(['F2026-000002']);
  });

  it('exports the listing as CSV, amounts in major units, spreadsheet formulas defused', async () => {
    const res = await t.graphql<any>(`{ invoiceListing(filter: { country: "DE" }) { csv } }`, { token: admin });
    expect(res.data.invoiceListing.csv.split('\r\n')).toEqual([
      'number,issued_at,status,paid_at,buyer_legal_name,buyer_country,buyer_vat_number,vat_treatment,vat_rate_percent,currency,subtotal,tax,total,amount_paid,amount_due,period_start,period_end',
      `F2026-000003,2026-04-10T10:00:00.000Z,PAID,,"'=Widget ""GmbH"", Berlin",DE,DE136695976,REVERSE_CHARGE,0.00,EUR,16.00,0.00,16.00,16.00,16.00,,`,
      'F2026-000004,2026-04-20T10:00:00.000Z,PAID,,Widget GmbH,DE,,STANDARD,20.00,USD,8.00,1.60,9.60,9.60,9.60,,',
      '',
    ]);
  });

  it('refuses bad input, and anyone but an admin', async () => {
    for (const [query, variables, field] of [
      [SEARCH, { q: 'a' }, 'query'],
      [SEARCH, { q: 'acme', first: 0 }, 'first'],
      [SEARCH, { q: 'acme', after: 'bm9wZQ' }, 'after'],
      [LISTING, { filter: { country: 'de' } }, 'country'],
      [
        LISTING,
        { filter: { issuedFrom: '2026-05-01T00:00:00Z', issuedBefore: '2026-04-01T00:00:00Z' } },
        'issuedBefore',
      ],
    ] as const) {
      const res = await t.graphql(query, { token: admin, variables });
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    for (const token of [await t.token({ sub: 'u-acme' }), await t.token({ sub: 'drive', roles: ['service'] })]) {
      expect((await t.graphql(SEARCH, { token, variables: { q: 'acme' } })).errors?.[0]?.extensions?.code).toBe(
        'FORBIDDEN',
      );
      expect((await t.graphql(LISTING, { token })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
  });
});
