import { InvoiceRepository } from '../../src/billing/invoices/invoice-repository';
import type { ProviderInvoice } from '../../src/billing/ports/payment-provider';
import { customerFor } from '../support/factories';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../support/test-database';

const providerInvoice = (
  status: ProviderInvoice['status'],
  fields: Partial<ProviderInvoice> = {},
): ProviderInvoice => ({
  id: 'in_mirror_1',
  customerId: 'cus_1',
  subscriptionId: 'sub_1',
  status,
  currency: 'EUR',
  subtotal: 800,
  tax: 160,
  total: 960,
  amountPaid: status === 'PAID' ? 960 : 0,
  amountDue: 960,
  attemptCount: 1,
  paymentFailed: false,
  paymentProcessing: false,
  lines: [
    {
      description: 'Lite',
      priceId: null,
      quantity: 1,
      unitAmount: 800,
      amount: 800,
      discountAmount: 0,
      proration: false,
      creditedInvoiceId: null,
      periodStart: null,
      periodEnd: null,
    },
  ],
  periodStart: null,
  periodEnd: null,
  createdAt: new Date('2026-11-01T00:00:00Z'),
  finalizedAt: new Date('2026-11-01T01:00:00Z'),
  paidAt: status === 'PAID' ? new Date('2026-11-01T01:00:01Z') : null,
  dueAt: null,
  vatDecision: null,
  ...fields,
});

describe.each(databaseKinds)('mirroring provider invoices on %s', (kind) => {
  let db: TestDatabase;
  let invoices: InvoiceRepository;
  let customerId: string;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
    invoices = new InvoiceRepository(db.prisma);
    await db.prisma.plan.create({
      data: { id: 'free', name: 'Free', driveStorageBytes: 1n, parallelDownloads: 1, isDefault: true },
    });
    customerId = (await customerFor(db.prisma, { userId: 'mirror' })).id;
  });
  afterAll(() => db.close());

  it('records one row when two workers mirror the same new invoice at once', async () => {
    const now = new Date();
    const rows = await Promise.all([
      invoices.upsertFromProvider(customerId, providerInvoice('OPEN'), now),
      invoices.upsertFromProvider(customerId, providerInvoice('OPEN'), now),
    ]);
    expect(rows[0]!.id).toBe(rows[1]!.id);
    expect(await db.prisma.invoice.count({ where: { providerInvoiceId: 'in_mirror_1' } })).toBe(1);
    expect(await db.prisma.invoiceLine.count({ where: { invoiceId: rows[0]!.id } })).toBe(1);
  });

  it('never moves an invoice back: a late, older read cannot undo a payment', async () => {
    const now = new Date();
    await invoices.upsertFromProvider(customerId, providerInvoice('PAID'), now);
    const stale = await invoices.upsertFromProvider(customerId, providerInvoice('OPEN', { paymentFailed: true }), now);
    expect(stale).toMatchObject({ status: 'PAID', amountPaid: 960, paymentFailedAt: null });
  });
});
