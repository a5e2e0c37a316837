// Admins' refunds end to end on the Stripe emulator: the provider refunds the charge, a credit note records
// it, never more than remains, once per refund meant even when the same call is sent twice at once (the admin
// states what he saw refunded), and the audit log shows each outcome.
import { BillingHarness, type Actor } from '../support/billing-harness';
import { startTestApp, type TestApp } from '../support/test-app';
import { describeEachDatabase } from '../support/test-database';

const REFUND = `mutation($id: ID!, $amount: Int, $reason: String!, $expected: Int!) {
  refundInvoice(invoiceId: $id, amount: $amount, reason: $reason, expectedRefunded: $expected) { __typename
  ... on InvoiceRefunded { amount { amount currency } invoice { id status } creditNote { kind number correctsInvoiceNumber creditReason total { amount } } }
  ... on InvoiceNotPaid { code status }
  ... on RefundExceedsRefundable { code refundable { amount } }
  ... on UnmatchedRefund { code unmatched { amount } }
  ... on RefundConflict { code refunded { amount } } } }`;

describeEachDatabase('admin refunds on the Stripe emulator (%s)', (kind) => {
  let t: TestApp;
  let h: BillingHarness;
  let admin: Actor;

  beforeAll(async () => {
    t = await startTestApp(kind);
    h = new BillingHarness(t);
    admin = { token: await t.token({ sub: 'alice-admin', roles: ['admin'] }) };
  });
  afterAll(() => t.close());

  /** A customer whose first invoice is paid by card: our invoice, and the provider's payment intent. */
  async function paidInvoice(userId: string) {
    const actor = { token: await t.token({ sub: userId }) };
    await h.savePaymentMethod(actor, 'pm_card_visa');
    expect((await h.subscribe(actor, 'pro')).__typename).toBe('Subscribed');
    const invoice = await t.db.prisma.invoice.findFirstOrThrow({
      where: { customer: { userId }, kind: 'INVOICE', status: 'PAID', issuedAt: { not: null } },
    });
    const provided = await h.stripe.invoices.retrieve(invoice.providerInvoiceId!, { expand: ['payments'] });
    const intent = provided.payments!.data[0]!.payment.payment_intent as string;
    const refunds = async () => (await h.stripe.refunds.list({ payment_intent: intent })).data;
    return { actor, invoice, intent, refunds };
  }
  /** `expected`: the invoice's refunds so far, as the admin saw them. */
  const refund = async (id: string, amount: number | null, expected: number, reason = 'Goodwill refund') =>
    (await h.mutate(admin, REFUND, { id, amount, reason, expected })).refundInvoice;
  /** The invoice's and its credit notes' `refunded`, as the admin reads them. */
  async function refundedAsShown(userId: string): Promise<Record<string, number | null>> {
    const { billingProfile } = await h.mutate(
      admin,
      `query($owner: BillingOwnerInput!) { billingProfile(owner: $owner) {
        invoices(first: 10) { edges { node { kind number refunded { amount } } } } } }`,
      { owner: { userId } },
    );
    return Object.fromEntries(
      billingProfile.invoices.edges.map((e: any) => [
        `${e.node.kind}:${e.node.number}`,
        e.node.refunded?.amount ?? null,
      ]),
    );
  }

  it('refunds a paid invoice in full: one refund at the provider, one credit note; nothing remains', async () => {
    const { invoice, refunds } = await paidInvoice('rita');
    const result = await refund(invoice.id, null, 0, 'Cancelled within 14 days');
    expect(result).toEqual({
      __typename: 'InvoiceRefunded',
      amount: { amount: invoice.total, currency: invoice.currency },
      invoice: { id: invoice.id, status: 'PAID' },
      creditNote: {
        kind: 'CREDIT_NOTE',
        number: expect.stringMatching(/^A\d{4}-\d{6}$/),
        correctsInvoiceNumber: invoice.number,
        creditReason: 'Cancelled within 14 days',
        total: { amount: -invoice.total },
      },
    });
    const made = await refunds();
    expect(made).toEqual([
      expect.objectContaining({
        amount: invoice.total,
        status: 'succeeded',
        metadata: { invoice_id: invoice.id, operation_id: expect.any(String) },
      }),
    ]);
    // Our ids only: the free-text reason (which may name someone) stays with us.
    expect(JSON.stringify(made)).not.toContain('Cancelled within');
    const operation = await t.db.prisma.billingOperation.findUniqueOrThrow({
      where: { id: made[0]!.metadata!['operation_id']! },
    });
    expect(operation).toMatchObject({ kind: 'REFUND_INVOICE', status: 'SUCCEEDED' });

    expect(await refund(invoice.id, null, invoice.total)).toEqual({
      __typename: 'RefundExceedsRefundable',
      code: 'REFUND_EXCEEDS_REFUNDABLE',
      refundable: { amount: 0 },
    });
    expect(await refunds()).toHaveLength(1);
    const { billingProfile } = await h.mutate(
      admin,
      `{ billingProfile(owner: { userId: "rita" }) { auditLog(first: 5) { edges { node { operation outcome } } } } }`,
    );
    expect(billingProfile.auditLog.edges.map((e: any) => `${e.node.operation}:${e.node.outcome}`)).toEqual([
      'refundInvoice:REFUND_EXCEEDS_REFUNDABLE',
      'refundInvoice:OK',
    ]);
  });

  it('refunds a part, then the rest, and refuses more than remains', async () => {
    const { invoice, refunds } = await paidInvoice('sami');
    expect(await refund(invoice.id, invoice.total + 1, 0)).toEqual({
      __typename: 'RefundExceedsRefundable',
      code: 'REFUND_EXCEEDS_REFUNDABLE',
      refundable: { amount: invoice.total },
    });
    expect(await refunds()).toEqual([]);

    const part = await refund(invoice.id, 600, 0);
    expect(part).toMatchObject({
      __typename: 'InvoiceRefunded',
      amount: { amount: 600 },
      creditNote: { total: { amount: -600 }, correctsInvoiceNumber: invoice.number },
    });
    expect(await refundedAsShown('sami')).toEqual({
      [`INVOICE:${invoice.number}`]: 600,
      [`CREDIT_NOTE:${part.creditNote.number}`]: null,
    });
    // The same call again (a retry, a double click) finds 600 refunded, not the 0 it saw: nothing more goes back.
    expect(await refund(invoice.id, 600, 0)).toEqual({
      __typename: 'RefundConflict',
      code: 'CONFLICT',
      refunded: { amount: 600 },
    });
    expect(await refund(invoice.id, invoice.total - 599, 600)).toEqual({
      __typename: 'RefundExceedsRefundable',
      code: 'REFUND_EXCEEDS_REFUNDABLE',
      refundable: { amount: invoice.total - 600 },
    });
    const rest = await refund(invoice.id, null, 600, 'Refund of the rest');
    expect(rest).toMatchObject({
      __typename: 'InvoiceRefunded',
      amount: { amount: invoice.total - 600 },
      creditNote: { creditReason: 'Refund of the rest' },
    });
    expect(rest.creditNote.number).not.toBe(part.creditNote.number);
    expect((await refunds()).map((r) => r.amount).sort((a, b) => a - b)).toEqual(
      [600, invoice.total - 600].sort((a, b) => a - b),
    );
    expect(await refund(invoice.id, 1, invoice.total)).toMatchObject({
      __typename: 'RefundExceedsRefundable',
      refundable: { amount: 0 },
    });
    const charge = (await h.stripe.charges.list({ payment_intent: (await refunds())[0]!.payment_intent as string }))
      .data[0]!;
    expect(charge).toMatchObject({ refunded: true, amount_refunded: invoice.total });
  });

  it.each([
    ['in full', null],
    ['in part', 600],
  ])('refunds once when the same refund %s is sent twice at once', async (_label, amount) => {
    const { invoice, refunds } = await paidInvoice(`tomas-${amount ?? 'all'}`);
    const results = await Promise.all(
      [1, 2].map(() =>
        t.graphql<any>(REFUND, {
          token: admin.token,
          variables: { id: invoice.id, amount, reason: 'Double click', expected: 0 },
        }),
      ),
    );
    const outcomes = results.map((r) => r.data?.refundInvoice?.__typename ?? r.errors?.[0]?.extensions?.code).sort();
    // The second waits for the first's lock and finds the refund it did not see (or, past the lock wait, CONFLICT).
    expect([
      ['InvoiceRefunded', 'RefundConflict'],
      ['CONFLICT', 'InvoiceRefunded'],
    ]).toContainEqual(outcomes);
    expect(await refunds()).toEqual([expect.objectContaining({ amount: amount ?? invoice.total })]);
    expect(await t.db.prisma.invoice.count({ where: { correctsInvoiceId: invoice.id } })).toBe(1);
  });

  it('issues only the missing credit note of a refund the provider made without one', async () => {
    const { invoice, intent, refunds } = await paidInvoice('uma');
    // As a credit note that failed after its refund would leave it: the provider refunded, we recorded nothing.
    await h.stripe.refunds.create({ payment_intent: intent, amount: 300 });
    expect(await refund(invoice.id, 600, 0)).toEqual({
      __typename: 'UnmatchedRefund',
      code: 'UNMATCHED_REFUND',
      unmatched: { amount: 300 },
    });
    expect(await refund(invoice.id, 300, 0)).toMatchObject({
      __typename: 'InvoiceRefunded',
      amount: { amount: 300 },
      creditNote: { total: { amount: -300 } },
    });
    expect((await refunds()).map((r) => r.amount)).toEqual([300]);
    expect(await refund(invoice.id, 600, 300)).toMatchObject({
      __typename: 'InvoiceRefunded',
      amount: { amount: 600 },
    });
    expect((await refunds()).map((r) => r.amount).sort((a, b) => a - b)).toEqual([300, 600]);
  });

  it('refuses an unpaid invoice, bad input and non-admins, changing nothing', async () => {
    const vera = { token: await t.token({ sub: 'vera' }) };
    await h.savePaymentMethod(vera, 'pm_card_chargeCustomerFail');
    expect(await h.subscribe(vera, 'lite')).toMatchObject({ __typename: 'PaymentFailed' });
    const open = await t.db.prisma.invoice.findFirstOrThrow({
      where: { customer: { userId: 'vera' }, kind: 'INVOICE' },
    });
    expect(await refund(open.id, null, 0)).toEqual({
      __typename: 'InvoiceNotPaid',
      code: 'INVOICE_NOT_PAID',
      status: 'OPEN',
    });

    const { invoice, refunds } = await paidInvoice('walt');
    const codeOf = async (actor: Actor, variables: Record<string, unknown>) =>
      (
        await t.graphql(REFUND, {
          token: actor.token,
          variables: { id: invoice.id, reason: 'x', expected: 0, ...variables },
        })
      ).errors?.[0]?.extensions?.code;
    const walt = { token: await t.token({ sub: 'walt' }) };
    expect(await codeOf(walt, {})).toBe('FORBIDDEN');
    expect(await codeOf(admin, { amount: -5 })).toBe('BAD_USER_INPUT');
    expect(await codeOf(admin, { reason: '  ' })).toBe('BAD_USER_INPUT');
    expect(await codeOf(admin, { expected: -1 })).toBe('BAD_USER_INPUT');
    expect(await codeOf(admin, { reason: 'r'.repeat(501) })).toBe('BAD_USER_INPUT');
    expect(await codeOf(admin, { id: 'not-an-id' })).toBe('BAD_USER_INPUT');
    expect(await codeOf(admin, { id: '00000000-0000-4000-8000-000000000000' })).toBe('NOT_FOUND');
    expect(await refunds()).toEqual([]);
    expect(await t.db.prisma.invoice.count({ where: { correctsInvoiceId: invoice.id } })).toBe(0);
  });
});
