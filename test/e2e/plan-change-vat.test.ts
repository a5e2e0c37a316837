import { lineVat } from '../../src/billing/vat/vat-amount';
import { readFacturX } from '../invoices/factur-x-reader';
import { facturXSchemaErrors } from '../invoices/factur-x-schema';
import { BillingHarness, type Actor } from '../support/billing-harness';
import { eventually } from '../support/eventually';
import { startTestApp, type TestApp } from '../support/test-app';

const FIELDS = `id kind number correctsInvoiceNumber vatTreatment vatRateBasisPoints subtotal { amount } tax { amount }
  total { amount } lines { description amount { amount } vat { amount } }`;

/**
 * A German consumer (19 %) subscribed to `planId` who then registers a business: from then on its supplies
 * are reverse-charged (0 %).
 */
async function consumerTurnedBusiness(h: BillingHarness, actor: Actor, planId: string): Promise<void> {
  await h.mutate(
    actor,
    `mutation { updateBillingProfile(input: { legalName: "Jana Weber", addressLine1: "Hauptstr. 1", city: "Berlin", postalCode: "10115", country: "DE" }) { id } }`,
  );
  await h.savePaymentMethod(actor, 'pm_card_visa');
  expect((await h.subscribe(actor, planId)).__typename).toBe('Subscribed');
  await h.mutate(
    actor,
    `mutation { updateBillingProfile(input: { legalName: "Weber GmbH", addressLine1: "Hauptstr. 1", city: "Berlin", postalCode: "10115", country: "DE", vatNumber: "DE136695976" }) { id } }`,
  );
}

describe('a downgrade after the customer’s VAT changed', () => {
  let t: TestApp;
  let h: BillingHarness;
  let actor: Actor;
  const user = 'de-consumer-turned-business';

  beforeAll(async () => {
    t = await startTestApp('pglite');
    h = new BillingHarness(t);
    actor = { token: await t.token({ sub: user }) };
  });
  afterAll(() => t.close());

  const documents = () => h.documents(actor, user, FIELDS);
  const providerInvoiceOf = async (id: string) => {
    const row = await t.db.prisma.invoice.findUniqueOrThrow({ where: { id } });
    return h.stripe.invoices.retrieve(row.providerInvoiceId!);
  };

  it('credits the unused time at the corrected invoice’s 19 % and invoices the new plan reverse-charged, as the provider did', async () => {
    await consumerTurnedBusiness(h, actor, 'pro');

    expect(await h.changePlan(actor, user, 'lite')).toBe('PlanChanged');
    const issued = await eventually(documents, (list) => list.length === 3 && list.every((d: any) => d.number));
    const credit = issued.find((d: any) => d.kind === 'CREDIT_NOTE');
    const pro = issued.find((d: any) => d.kind === 'INVOICE' && d.vatTreatment === 'STANDARD');
    const lite = issued.find((d: any) => d.kind === 'INVOICE' && d.vatTreatment === 'REVERSE_CHARGE');

    // The Pro month, invoiced to a consumer at 19 %; its unused time credited at that 19 %, correcting it.
    expect(pro).toMatchObject({ vatTreatment: 'STANDARD', vatRateBasisPoints: 1900 });
    expect(credit).toMatchObject({
      correctsInvoiceNumber: pro.number,
      vatTreatment: 'STANDARD',
      vatRateBasisPoints: 1900,
    });
    expect(credit.subtotal.amount).toBeLessThan(0);
    expect(-credit.subtotal.amount).toBeLessThanOrEqual(pro.subtotal.amount);
    for (const line of credit.lines) expect(line.vat.amount).toBe(lineVat(line.amount.amount, 1900));
    // The Lite month is a new supply to a business: an invoice of its own, reverse-charged.
    expect(lite).toMatchObject({ vatTreatment: 'REVERSE_CHARGE', vatRateBasisPoints: 0, tax: { amount: 0 } });
    expect(lite.subtotal.amount).toBeGreaterThan(0);
    for (const document of [credit, lite])
      expect(document.tax.amount).toBe(document.lines.reduce((sum: number, line: any) => sum + line.vat.amount, 0));

    // What the provider credited and charged on its one invoice is what the two documents state.
    const provided = await providerInvoiceOf(lite.id);
    expect(provided.total).toBe(credit.total.amount + lite.total.amount);
    expect(provided.total - provided.subtotal).toBe(credit.tax.amount + lite.tax.amount);
  });

  it('leaves the subscription charging the customer’s current VAT (reverse charge) at its next invoices', async () => {
    const subscription = await t.db.prisma.subscription.findFirstOrThrow({ where: { customer: { userId: user } } });
    const provided = await h.stripe.subscriptions.retrieve(subscription.providerSubscriptionId);
    expect(provided.default_tax_rates ?? []).toEqual([]);
    expect(provided.metadata.vat_decision).toMatch(/^v1:REVERSE_CHARGE:/);
  });
});

describe('an upgrade after the customer’s VAT changed', () => {
  let t: TestApp;
  let h: BillingHarness;
  let actor: Actor;
  const user = 'de-consumer-turned-business-upgrading';

  beforeAll(async () => {
    t = await startTestApp('pglite');
    h = new BillingHarness(t);
    actor = { token: await t.token({ sub: user }) };
  });
  afterAll(() => t.close());

  const documents = () => h.documents(actor, user, FIELDS);

  it('credits the unused time at the 19 % it was invoiced at (a credit note) and charges the rest reverse-charged, as the provider did', async () => {
    await consumerTurnedBusiness(h, actor, 'lite');

    expect(await h.changePlan(actor, user, 'pro')).toBe('PlanChanged');
    const issued = await eventually(documents, (list) => list.length === 3 && list.every((d: any) => d.number));
    const invoices = issued.filter((d: any) => d.kind === 'INVOICE');
    const lite = invoices.find((d: any) => d.vatTreatment === 'STANDARD');
    const upgrade = invoices.find((d: any) => d.vatTreatment === 'REVERSE_CHARGE');
    const credit = issued.find((d: any) => d.kind === 'CREDIT_NOTE');

    // The Lite month, invoiced to a consumer at 19 %; its unused time credited at that 19 %, correcting it.
    expect(lite).toMatchObject({ vatRateBasisPoints: 1900 });
    expect(credit).toMatchObject({
      correctsInvoiceNumber: lite.number,
      vatTreatment: 'STANDARD',
      vatRateBasisPoints: 1900,
    });
    expect(credit.lines).toHaveLength(1);
    expect(credit.lines[0].description).toMatch(/^Unused time: Cloud storage subscription, Lite plan/);
    expect(credit.lines[0].amount.amount).toBeLessThan(0);
    expect(credit.lines[0].vat.amount).toBe(lineVat(credit.lines[0].amount.amount, 1900));
    expect(credit.lines[0].vat.amount).toBeLessThan(0);
    // The remaining Pro time: an invoice of its own, reverse-charged at 0 %.
    expect(upgrade).toMatchObject({ vatRateBasisPoints: 0 });
    expect(upgrade.lines).toHaveLength(1);
    expect(upgrade.lines[0].description).toMatch(/^Remaining time: Cloud storage subscription, Pro plan/);
    expect(upgrade.lines[0].amount.amount).toBeGreaterThan(0);
    expect(upgrade.lines[0].vat.amount).toBe(0);
    for (const document of [credit, upgrade]) {
      expect(document.subtotal.amount).toBe(document.lines.reduce((sum: number, l: any) => sum + l.amount.amount, 0));
      expect(document.tax.amount).toBe(document.lines.reduce((sum: number, l: any) => sum + l.vat.amount, 0));
      expect(document.total.amount).toBe(document.subtotal.amount + document.tax.amount);
    }

    // The provider's one invoice of the change: each line charged at the VAT the document stating it gives.
    const row = await t.db.prisma.invoice.findUniqueOrThrow({ where: { id: upgrade.id } });
    const provided = await h.stripe.invoices.retrieve(row.providerInvoiceId!);
    const lineTax = (line: { taxes?: { amount: number }[] | null }) =>
      (line.taxes ?? []).reduce((sum, tax) => sum + tax.amount, 0);
    const creditLine = provided.lines.data.find((line) => line.amount < 0)!;
    const chargeLine = provided.lines.data.find((line) => line.amount > 0)!;
    expect(provided.lines.data).toHaveLength(2);
    expect(creditLine.amount).toBe(credit.lines[0].amount.amount);
    expect(lineTax(creditLine)).toBe(credit.lines[0].vat.amount);
    expect(chargeLine.amount).toBe(upgrade.lines[0].amount.amount);
    expect(lineTax(chargeLine)).toBe(upgrade.lines[0].vat.amount);
    expect(provided.total).toBe(upgrade.total.amount + credit.total.amount);
    expect(provided.total - provided.subtotal).toBe(upgrade.tax.amount + credit.tax.amount);
    // Both documents are frozen at issue: their PDF and their Factur-X e-invoice, valid against its XSD.
    const frozen = await eventually(
      () =>
        t.db.prisma.invoice.findMany({
          where: { id: { in: [credit.id, upgrade.id] }, pdfSha256: { not: null }, eInvoiceSha256: { not: null } },
          select: { id: true },
        }),
      (rows) => rows.length === 2,
    );
    expect(frozen).toHaveLength(2);
    for (const { id } of frozen) {
      const { eInvoice } = await t.db.prisma.invoice.findUniqueOrThrow({ where: { id }, select: { eInvoice: true } });
      const { xml } = await readFacturX(Buffer.from(eInvoice!));
      expect(await facturXSchemaErrors(xml)).toEqual([]);
    }
    // The credit names the line of the Lite invoice it credits, as Stripe's `credited_items` does.
    const liteRow = await t.db.prisma.invoice.findUniqueOrThrow({ where: { id: lite.id } });
    expect(creditLine.parent?.subscription_item_details?.proration_details?.credited_items?.invoice).toBe(
      liteRow.providerInvoiceId,
    );
  });
  it('splits the same way when the VAT did not change: the credit corrects the Lite invoice, at its same 19 %', async () => {
    const consumer = 'de-consumer-upgrading';
    const same = { token: await t.token({ sub: consumer }) };
    await h.mutate(
      same,
      `mutation { updateBillingProfile(input: { legalName: "Jonas Weber", addressLine1: "Hauptstr. 3", city: "Berlin", postalCode: "10115", country: "DE" }) { id } }`,
    );
    await h.savePaymentMethod(same, 'pm_card_visa');
    expect((await h.subscribe(same, 'lite')).__typename).toBe('Subscribed');
    expect(await h.changePlan(same, consumer, 'pro')).toBe('PlanChanged');
    const read = () => h.documents(same, consumer, FIELDS);
    const issued = await eventually(read, (list) => list.length === 3 && list.every((d: any) => d.number));
    expect(issued.map((d: any) => [d.kind, d.vatTreatment, d.vatRateBasisPoints])).toEqual(
      expect.arrayContaining([
        ['INVOICE', 'STANDARD', 1900],
        ['CREDIT_NOTE', 'STANDARD', 1900],
        ['INVOICE', 'STANDARD', 1900],
      ]),
    );
    const credit = issued.find((d: any) => d.kind === 'CREDIT_NOTE');
    const [upgrade, lite] = issued
      .filter((d: any) => d.kind === 'INVOICE')
      .sort((a: any, b: any) => b.number.localeCompare(a.number));
    expect(credit.correctsInvoiceNumber).toBe(lite.number);
    // A document never mixes a credit and a new supply.
    for (const line of credit.lines) expect(line.amount.amount).toBeLessThan(0);
    for (const line of upgrade.lines) expect(line.amount.amount).toBeGreaterThan(0);
    for (const line of [...credit.lines, ...upgrade.lines])
      expect(line.vat.amount).toBe(lineVat(line.amount.amount, 1900));
    // The provider's one invoice of the change is the sum of the two documents issued from it.
    const row = await t.db.prisma.invoice.findUniqueOrThrow({ where: { id: upgrade.id } });
    const provided = await h.stripe.invoices.retrieve(row.providerInvoiceId!);
    expect(provided.total).toBe(upgrade.total.amount + credit.total.amount);
    expect(provided.total - provided.subtotal).toBe(upgrade.tax.amount + credit.tax.amount);
  });
});
