import { createHash } from 'node:crypto';
import { BillingDomainError } from '../../src/billing/errors';
import { documentVat } from '../../src/billing/vat/vat-amount';
import { BillingHarness, type Actor } from '../support/billing-harness';
import { eventually } from '../support/eventually';
import { startTestApp, type TestApp } from '../support/test-app';
import { keepArtifact } from '../invoices/pdf-artifacts';
import { pdfText } from '../invoices/pdf-text';

const INVOICES = `query($user: ID!) { billingProfile(owner: { userId: $user }) { invoices(first: 10) { edges { node {
  id kind number correctsInvoiceNumber creditReason vatTreatment vatRateBasisPoints pdfUrl pdfSha256 status
  subtotal { amount } tax { amount } total { amount } lines { description amount { amount } vat { amount } }
} } } } }`;

describe('credit notes', () => {
  let t: TestApp;
  let h: BillingHarness;
  let actor: Actor;

  beforeAll(async () => {
    t = await startTestApp('pglite');
    h = new BillingHarness(t);
    actor = { token: await t.token({ sub: 'de-downgrader' }) };
    await h.mutate(
      actor,
      `mutation { updateBillingProfile(input: { legalName: "Σοφία Παπαδοπούλου", addressLine1: "Hauptstr. 1", city: "Berlin", country: "DE" }) { id } }`,
    );
    await h.savePaymentMethod(actor, 'pm_card_visa');
    expect((await h.subscribe(actor, 'pro')).__typename).toBe('Subscribed');
  });
  afterAll(() => t.close());

  const documents = async () => {
    const res = await t.graphql<any>(INVOICES, { token: actor.token, variables: { user: 'de-downgrader' } });
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data.billingProfile.invoices.edges.map((edge: any) => edge.node);
  };
  const download = async (pdfUrl: string) => {
    const link = new URL(pdfUrl);
    const response = await fetch(`${t.url}${link.pathname}${link.search}`);
    expect(response.status).toBe(200);
    return { pdf: Buffer.from(await response.arrayBuffer()), headers: response.headers };
  };

  it('issues a downgrade’s unused time as a credit note in its own series correcting the invoice with its VAT, the new plan as an invoice', async () => {
    const version = (
      await t.db.prisma.subscription.findFirstOrThrow({ where: { customer: { userId: 'de-downgrader' } } })
    ).version;
    const { changePlan } = await h.mutate(
      actor,
      `mutation($v: Int!) { changePlan(planId: "lite", interval: MONTH, expectedVersion: $v) { __typename } }`,
      { v: version },
    );
    expect(changePlan.__typename).toBe('PlanChanged');
    const issued = await eventually(documents, (list) => list.length === 3 && list.every((d: any) => d.number));
    const pro = issued.find((d: any) => /^F\d{4}-000001$/.test(d.number));
    const lite = issued.find((d: any) => d.kind === 'INVOICE' && d !== pro);
    const credit = issued.find((d: any) => d.kind === 'CREDIT_NOTE');
    expect(pro).toMatchObject({ number: expect.stringMatching(/^F\d{4}-000001$/), vatRateBasisPoints: 1900 });
    expect(credit).toMatchObject({
      number: expect.stringMatching(/^A\d{4}-000001$/),
      correctsInvoiceNumber: pro.number,
      vatTreatment: pro.vatTreatment,
      vatRateBasisPoints: pro.vatRateBasisPoints,
    });
    // Only the unused Pro time is credited, never more than the Pro invoice; the Lite month is invoiced.
    expect(credit.lines.map((line: any) => line.description)).toEqual([
      expect.stringMatching(/^Unused time: Cloud storage subscription, Pro plan/),
    ]);
    expect(credit.total.amount).toBeLessThan(0);
    expect(-credit.total.amount).toBeLessThanOrEqual(pro.total.amount);
    expect(credit.tax.amount).toBe(documentVat([credit.lines[0].amount.amount], 1900));
    expect(lite).toMatchObject({ number: expect.stringMatching(/^F\d{4}-000002$/), vatRateBasisPoints: 1900 });
    expect(lite.lines.map((line: any) => line.description)).toEqual([
      expect.stringMatching(/^Remaining time: Cloud storage subscription, Lite plan/),
    ]);
    expect(lite.lines[0].amount.amount).toBeGreaterThan(0);
    const row = await t.db.prisma.invoice.findUniqueOrThrow({ where: { id: lite.id } });
    const provided = await h.stripe.invoices.retrieve(row.providerInvoiceId!);
    expect(provided.total).toBe(credit.total.amount + lite.total.amount);
    expect(provided.total - provided.subtotal).toBe(credit.tax.amount + lite.tax.amount);

    const { pdf } = await download(credit.pdfUrl);
    keepArtifact('credit-note-downgrade', pdf);
    const text = (await pdfText(pdf)).replace(/\s+/g, ' ');
    expect(text).toContain('CREDIT NOTE');
    expect(text).toContain(`Credit note number: ${credit.number}`);
    expect(text).toContain(`Corrects invoice ${pro.number}`);
    expect(text).toContain('Σοφία Παπαδοπούλου');
  });

  it('issues a refund’s credit note through the domain service, never crediting more than the invoice', async () => {
    const issued = await documents();
    const credit = issued.find((d: any) => d.kind === 'CREDIT_NOTE');
    const pro = issued.find((d: any) => d.number === credit.correctsInvoiceNumber);
    const invoice = issued.find((d: any) => d.kind === 'INVOICE' && d !== pro);
    const creditNotes = t.app.domain.services.creditNotes;
    // What the downgrade left of the Pro invoice is all that can still be credited on it.
    const leftOnPro = pro.total.amount + credit.total.amount;
    await expect(creditNotes.issueCreditNote(pro.id, leftOnPro + 1, 'too much')).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    // The Lite invoice (9.52) is credited in two parts, never beyond its total.
    const creditable = invoice.total.amount;
    expect(creditable).toBe(952);
    const partial = await creditNotes.issueCreditNote(invoice.id, 476, 'Goodwill refund');
    expect(partial).toMatchObject({
      kind: 'CREDIT_NOTE',
      number: expect.stringMatching(/-000002$/),
      total: -476,
      subtotal: -400,
      taxAmount: -76,
      correctsInvoiceId: invoice.id,
    });
    await expect(creditNotes.issueCreditNote(invoice.id, creditable, 'too much')).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    await expect(creditNotes.issueCreditNote(invoice.id, -5, 'negative')).rejects.toBeInstanceOf(BillingDomainError);
    const rest = await creditNotes.issueCreditNote(invoice.id, creditable - 476, 'Refund of the rest');
    expect(rest.total).toBe(-(creditable - 476));
    expect(rest.taxAmount).toBe(documentVat([rest.subtotal], 1900));
    await expect(creditNotes.issueCreditNote(invoice.id, 1, 'nothing left')).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });

    const listed = (await documents()).find((d: any) => d.id === partial.id);
    expect(listed).toMatchObject({ creditReason: 'Goodwill refund', correctsInvoiceNumber: invoice.number });
    const text = (await pdfText((await download(listed.pdfUrl)).pdf)).replace(/\s+/g, ' ');
    expect(text).toContain('Reason: Goodwill refund');
  });

  it('serves the bytes stored at issue, with their digest and the payment status beside them', async () => {
    const [latest] = await documents();
    const first = await download(latest.pdfUrl);
    const again = await download(latest.pdfUrl);
    expect(again.pdf.equals(first.pdf)).toBe(true);
    const sha256 = createHash('sha256').update(first.pdf).digest('hex');
    expect(first.headers.get('x-document-sha256')).toBe(sha256);
    expect(latest.pdfSha256).toBe(sha256);
    expect(first.headers.get('x-payment-status')).toBe(latest.status);
    const invoice = (await documents()).find((d: any) => d.kind === 'INVOICE');
    keepArtifact('invoice', (await download(invoice.pdfUrl)).pdf);
  });

  it('has the database refuse any change to an issued document’s legal content, but not to its payment state', async () => {
    const [latest] = await documents();
    await expect(t.db.prisma.$executeRaw`UPDATE invoices SET total = 0 WHERE id = ${latest.id}::uuid`).rejects.toThrow(
      /legal content cannot change/,
    );
    await expect(
      t.db.prisma.$executeRaw`UPDATE invoices SET pdf = '\\x00'::bytea WHERE id = ${latest.id}::uuid`,
    ).rejects.toThrow(/legal content cannot change/);
    await expect(
      t.db.prisma.$executeRaw`UPDATE invoice_lines SET amount = 1 WHERE invoice_id = ${latest.id}::uuid`,
    ).rejects.toThrow(/cannot change/);
    await expect(t.db.prisma.$executeRaw`DELETE FROM invoices WHERE id = ${latest.id}::uuid`).rejects.toThrow(
      /cannot be deleted/,
    );
    expect(
      await t.db.prisma
        .$executeRaw`UPDATE invoices SET status = 'PAID', amount_paid = amount_paid WHERE id = ${latest.id}::uuid`,
    ).toBe(1);
  });
});
