import { InvoiceDocumentService } from '../../src/billing/invoices/invoice-document-service';
import { InvoiceIssuer, statedVatMatchesCharged } from '../../src/billing/invoices/invoice-issuer';
import { InvoiceNumberAllocator } from '../../src/billing/invoices/invoice-number-allocator';
import { invoiceFromRow, InvoiceRepository } from '../../src/billing/invoices/invoice-repository';
import { customerFromRow } from '../../src/billing/customers/customer-repository';
import { parseVatDecisionTag } from '../../src/billing/vat/supply-vat-decision';
import { lineVat } from '../../src/billing/vat/vat-amount';
import { loadConfig } from '../../src/config';
import type { CustomerRecord } from '../../src/db/prisma-types';
import { customerFor, invoiceFor } from '../support/factories';
import { openTestDatabase, type TestDatabase } from '../support/test-database';

const GERMAN_VAT = parseVatDecisionTag('v1:STANDARD:DE:1900:2026-03-10:NOT_CHECKED')!;
const FRENCH_VAT = parseVatDecisionTag('v1:STANDARD:FR:2000:2026-03-10:NOT_CHECKED')!;

describe('issuing a provider invoice that credits unused time', () => {
  let db: TestDatabase;
  let customer: CustomerRecord;
  let issuer: InvoiceIssuer;
  beforeAll(async () => {
    db = await openTestDatabase('pglite');
    await db.prisma.plan.create({
      data: { id: 'free', name: 'Free', driveStorageBytes: 100_000_000n, parallelDownloads: 4, isDefault: true },
    });
    customer = await customerFor(db.prisma, { userId: 'credits' });
    const repository = new InvoiceRepository(db.prisma);
    issuer = new InvoiceIssuer({
      prisma: db.prisma,
      invoiceNumbers: new InvoiceNumberAllocator({ template: 'F{year}-{seq:6}', timeZone: 'UTC' }),
      creditNoteNumbers: new InvoiceNumberAllocator({ template: 'A{year}-{seq:6}', timeZone: 'UTC' }),
      invoices: repository,
      seller: loadConfig({ NODE_ENV: 'test' }).invoicing.seller,
      documents: new InvoiceDocumentService(repository, 'UTC'),
      now: () => new Date('2026-03-10T09:00:00Z'),
    });
  });
  afterAll(() => db.close());

  const line = (position: number, amount: number, creditsInvoice: string | null = null) => ({
    position,
    description: amount < 0 ? 'Unused time' : 'Remaining time',
    quantity: 1,
    unitAmount: amount,
    amount,
    proration: true,
    creditsInvoice,
  });
  const issue = async (row: Awaited<ReturnType<typeof invoiceFor>>, decision = FRENCH_VAT) =>
    issuer.issue(invoiceFromRow(row), customerFromRow(customer), decision);
  const linesOf = async (id: string) =>
    (await db.prisma.invoiceLine.findMany({ where: { invoiceId: id }, orderBy: { position: 'asc' } })).map((l) => [
      l.position,
      l.amount,
      l.vatAmount,
    ]);

  it('credits each invoice the provider names at its VAT, the others the latest invoice, and invoices the new supply', async () => {
    const [german] = await issue(await invoiceFor(db.prisma, customer.id), GERMAN_VAT);
    const [french] = await issue(await invoiceFor(db.prisma, customer.id));
    const change = await invoiceFor(db.prisma, customer.id, {
      subtotal: -800 - 800 + 3200,
      taxAmount: -152 - 160 + 640,
      total: -800 - 800 + 3200 - 152 - 160 + 640,
      lines: { create: [line(1, -800, german!.providerInvoiceId), line(2, -800), line(3, 3200)] },
    });
    const documents = await issue(change);

    expect(documents.map((d) => [d.number, d.kind, d.correctsInvoiceId, d.vatRateBps, d.total])).toEqual([
      ['A2026-000001', 'CREDIT_NOTE', german!.id, 1900, -800 - 152],
      ['A2026-000002', 'CREDIT_NOTE', french!.id, 2000, -800 - 160],
      ['F2026-000003', 'INVOICE', null, 2000, 3200 + 640],
    ]);
    expect(documents[2]!.id).toBe(change.id);
    expect(await linesOf(documents[0]!.id)).toEqual([[1, -800, lineVat(-800, 1900)]]);
    expect(await linesOf(documents[1]!.id)).toEqual([[1, -800, -160]]);
    expect(await linesOf(change.id)).toEqual([[1, 3200, 640]]);
    // Together, what the provider charged: each credit at the rate of the line it credits, the supply at today's.
    const stated = await Promise.all(
      documents.map(async (d) => ({ rateBps: d.vatRateBps, lineAmounts: (await linesOf(d.id)).map((l) => l[1]!) })),
    );
    expect(statedVatMatchesCharged(stated, change.taxAmount)).toBe(true);
    expect(documents.reduce((sum, d) => sum + d.total, 0)).toBe(change.total);
  });

  it('keeps the provider’s row as the credit note when the invoice credits only', async () => {
    const [lite] = await issue(await invoiceFor(db.prisma, customer.id));
    const credit = await invoiceFor(db.prisma, customer.id, {
      subtotal: -400,
      taxAmount: -80,
      total: -480,
      lines: { create: [line(1, -400, lite!.providerInvoiceId)] },
    });
    const documents = await issue(credit, GERMAN_VAT);
    expect(documents.map((d) => [d.id, d.number, d.correctsInvoiceId, d.vatRateBps, d.total])).toEqual([
      [credit.id, 'A2026-000003', lite!.id, 2000, -480],
    ]);
    expect(await issue(credit)).toEqual([]);
  });
});
