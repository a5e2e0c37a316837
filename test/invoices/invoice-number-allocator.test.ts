import { InvoiceDocumentService } from '../../src/billing/invoices/invoice-document-service';
import { InvoiceIssuer } from '../../src/billing/invoices/invoice-issuer';
import { InvoiceNumberAllocator } from '../../src/billing/invoices/invoice-number-allocator';
import type { Invoice } from '../../src/billing/invoices/invoice';
import { invoiceFromRow, InvoiceRepository } from '../../src/billing/invoices/invoice-repository';
import { parseVatDecisionTag } from '../../src/billing/vat/supply-vat-decision';
import { loadConfig } from '../../src/config';
import type { CustomerRecord } from '../../src/db/prisma-types';
import { customerFor, invoiceFor } from '../support/factories';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../support/test-database';

// Concurrent numberings queue on the series lock: give them time rather than Prisma's 2 s / 5 s defaults.
const PATIENT = { maxWait: 60_000, timeout: 60_000 };
/** Fifty documents rendered and stored, on a machine shared with other test files. */
const FIFTY_ISSUES_MS = 240_000;
const FRENCH_VAT = parseVatDecisionTag('v1:STANDARD:FR:2000:2026-03-10:NOT_CHECKED')!;

describe.each(databaseKinds)('allocating invoice numbers on %s', (kind) => {
  let db: TestDatabase;
  let customer: CustomerRecord;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
    await db.prisma.plan.create({
      data: { id: 'free', name: 'Free', driveStorageBytes: 100_000_000n, parallelDownloads: 4, isDefault: true },
    });
    customer = await customerFor(db.prisma, { userId: `numbering-${kind}` });
  });
  afterAll(() => db.close());

  /** The real issuer, numbering invoices with `template` and dating them by `now`. */
  const issuer = (template: string, timeZone: string, now: () => Date) =>
    new InvoiceIssuer({
      prisma: db.prisma,
      invoiceNumbers: new InvoiceNumberAllocator({ template, timeZone }),
      creditNoteNumbers: new InvoiceNumberAllocator({ template: `CN-${template}`, timeZone }),
      invoices: new InvoiceRepository(db.prisma),
      seller: loadConfig({ NODE_ENV: 'test' }).invoicing.seller,
      documents: new InvoiceDocumentService(new InvoiceRepository(db.prisma), timeZone),
      now,
    });

  /**
   * `count` finalized, not yet issued invoices of the customer, all issued at once by `issuing`. An issue
   * whose transaction could not start or end in time (Prisma's P2028: they queue for connections and for
   * the series) rolls back and is tried again, as the provider-event job that issues it would be.
   */
  const issueAtOnce = async (issuing: InvoiceIssuer, count: number) => {
    const drafts = await Promise.all(
      Array.from({ length: count }, () => invoiceFor(db.prisma, customer.id, { status: 'OPEN', amountPaid: 0 })),
    );
    const issueRetried = async (draft: (typeof drafts)[number]): Promise<Invoice> => {
      try {
        return (await issuing.issue(invoiceFromRow(draft), customer, FRENCH_VAT))[0]!;
      } catch (error) {
        if ((error as { code?: string }).code !== 'P2028') throw error;
        return issueRetried(draft);
      }
    };
    return Promise.all(drafts.map(issueRetried));
  };

  /** Takes a number in a transaction of its own; `fail` aborts it after the number is taken. */
  const take = (allocator: InvoiceNumberAllocator, at: Date, fail = false) =>
    db.prisma.$transaction(async (tx) => {
      const { number } = await allocator.allocate(tx, () => at);
      if (fail) throw new Error('the provider call after numbering failed');
      return number;
    }, PATIENT);

  const lastNumber = async (series: string) =>
    (await db.prisma.invoiceNumberSeries.findUnique({ where: { series } }))?.lastNumber;

  it(
    'gives 50 simultaneous issues the numbers 1 to 50: no gap, no duplicate',
    async () => {
      const issued = await issueAtOnce(
        issuer('C{year}-{seq:6}', 'UTC', () => new Date('2026-03-10T09:00:00Z')),
        50,
      );

      const expected = Array.from({ length: 50 }, (_, i) => `C2026-${String(i + 1).padStart(6, '0')}`);
      expect(issued.map((invoice) => invoice.number).sort()).toEqual(expected);
      expect(await lastNumber('C2026')).toBe(50);
    },
    FIFTY_ISSUES_MS,
  );

  it(
    'dates 30 simultaneous issues when each takes its number: numbers and dates rise together, across New Year in Paris',
    async () => {
      // 23:59:59.985 in Paris on 31 December, one millisecond later at every reading.
      let instant = Date.parse('2026-12-31T22:59:59.985Z');
      await issueAtOnce(
        issuer('D{year}-{seq:6}', 'Europe/Paris', () => new Date(instant++)),
        30,
      );
      const rows = await db.prisma.invoice.findMany({
        where: { series: { in: ['D2026', 'D2027'] } },
        orderBy: [{ issuedAt: 'asc' }],
      });
      expect(rows.map((row) => row.number)).toEqual([
        ...Array.from({ length: 15 }, (_, i) => `D2026-${String(i + 1).padStart(6, '0')}`),
        ...Array.from({ length: 15 }, (_, i) => `D2027-${String(i + 1).padStart(6, '0')}`),
      ]);
    },
    FIFTY_ISSUES_MS,
  );

  it('gives a failed issue’s number back, so the next issue takes it', async () => {
    const allocator = new InvoiceNumberAllocator({ template: 'R{year}-{seq:6}', timeZone: 'UTC' });
    const when = new Date('2026-04-01T09:00:00Z');
    expect(await take(allocator, when)).toBe('R2026-000001');
    await expect(take(allocator, when, true)).rejects.toThrow('the provider call after numbering failed');
    expect(await take(allocator, when)).toBe('R2026-000002');
    expect(await lastNumber('R2026')).toBe(2);
  });

  it('leaves no gap when some of many simultaneous issues fail after taking their number', async () => {
    const allocator = new InvoiceNumberAllocator({ template: 'M{year}-{seq:6}', timeZone: 'UTC' });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) => take(allocator, new Date('2026-05-01T09:00:00Z'), i % 3 === 0)),
    );
    expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toHaveLength(10);
    const numbers = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    expect(numbers.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `M2026-${String(i + 1).padStart(6, '0')}`));
    expect(await lastNumber('M2026')).toBe(20);
  });

  it('starts a new series at 1 with a new calendar year, and never reuses the old one', async () => {
    const allocator = new InvoiceNumberAllocator({ template: 'Y{year}-{seq:6}', timeZone: 'UTC' });
    expect(await take(allocator, new Date('2026-12-31T23:59:59Z'))).toBe('Y2026-000001');
    expect(await take(allocator, new Date('2026-12-31T23:59:59.999Z'))).toBe('Y2026-000002');
    expect(await take(allocator, new Date('2027-01-01T00:00:00Z'))).toBe('Y2027-000001');
    expect(await take(allocator, new Date('2027-06-01T00:00:00Z'))).toBe('Y2027-000002');
  });

  it('takes the year in the seller’s time zone', async () => {
    const allocator = new InvoiceNumberAllocator({ template: 'P{year}-{seq:6}', timeZone: 'Europe/Paris' });
    // 23:30 UTC on 31 December is already New Year's Day in Paris.
    expect(await take(allocator, new Date('2026-12-31T23:30:00Z'))).toBe('P2027-000001');
  });

  it('numbers with the default format, one series per year: F2026-000001', async () => {
    const allocator = new InvoiceNumberAllocator();
    expect(await take(allocator, new Date('2026-11-24T10:00:00Z'))).toBe('F2026-000001');
    expect(await lastNumber('F2026')).toBe(1);
  });

  it('follows a configured format, and a format without {year} never resets', async () => {
    const slashed = new InvoiceNumberAllocator({ template: '{year}/{seq:4}', timeZone: 'UTC' });
    expect(await take(slashed, new Date('2026-02-01T00:00:00Z'))).toBe('2026/0001');
    const perpetual = new InvoiceNumberAllocator({ template: 'INV-{seq}', timeZone: 'UTC' });
    expect(await take(perpetual, new Date('2026-02-01T00:00:00Z'))).toBe('INV-1');
    expect(await take(perpetual, new Date('2027-02-01T00:00:00Z'))).toBe('INV-2');
    expect(await lastNumber('INV')).toBe(2);
  });
});

describe('an invoice number format', () => {
  it.each([
    ['F{year}-000', /exactly one \{seq\}/],
    ['F{year}-{seq}-{seq}', /exactly one \{seq\}/],
    ['F{month}-{seq:6}', /unknown placeholder \{month\}/],
    ['F{year}-{seq:0}', /N from 1 to 12/],
    ['F{year}-{seq:6', /exactly one \{seq\}/],
    ['F{year}-{seq:6}}', /a brace outside a placeholder/],
    ['{seq:6}', /needs a prefix or \{year\}/],
  ])('refuses %s', (template, message) => {
    expect(() => new InvoiceNumberAllocator({ template, timeZone: 'UTC' })).toThrow(message);
  });

  it('refuses an unknown time zone at start, not at the first invoice', () => {
    expect(() => new InvoiceNumberAllocator({ template: 'F{year}-{seq:6}', timeZone: 'Europe/Atlantis' })).toThrow(
      RangeError,
    );
  });
});
