import { randomUUID } from 'node:crypto';
import { InvoiceNumberAllocator } from '../../src/billing/invoices/invoice-number-allocator';
import { customerFor } from '../support/factories';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../support/test-database';

// Concurrent issues queue on the series row: give them time rather than Prisma's 2 s / 5 s defaults.
const PATIENT = { maxWait: 60_000, timeout: 60_000 };

describe.each(databaseKinds)('allocating invoice numbers on %s', (kind) => {
  let db: TestDatabase;
  let customerId: string;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
    await db.prisma.plan.create({ data: { id: 'free', name: 'Free', driveStorageBytes: 100_000_000n, parallelDownloads: 4, isDefault: true } });
    customerId = (await customerFor(db.prisma, { userId: `numbering-${kind}` })).id;
  });
  afterAll(() => db.close());

  /** Issues one invoice in one transaction, as the invoice sync will; `fail` aborts it after the number is taken. */
  const issue = (allocator: InvoiceNumberAllocator, at: Date | (() => Date), fail = false) =>
    db.prisma.$transaction(async (tx) => {
      const { series, sequence, number, issuedAt } = await allocator.allocate(tx, typeof at === 'function' ? at : () => at);
      await tx.invoice.create({
        data: {
          id: randomUUID(),
          customerId,
          number,
          series,
          sequence,
          status: 'OPEN',
          currency: 'EUR',
          subtotal: 800,
          taxAmount: 160,
          total: 960,
          amountDue: 960,
          issuedAt,
        },
      });
      if (fail) throw new Error('the provider call after numbering failed');
      return number;
    }, PATIENT);

  const numbersOf = (series: string) =>
    db.prisma.invoice.findMany({ where: { series }, orderBy: { sequence: 'asc' }, select: { sequence: true, number: true } });

  it('gives 50 simultaneous issues the numbers 1 to 50: no gap, no duplicate', async () => {
    const allocator = new InvoiceNumberAllocator({ template: 'C{year}-{seq:6}', timeZone: 'UTC' });
    const issued = await Promise.all(Array.from({ length: 50 }, () => issue(allocator, new Date('2026-03-10T09:00:00Z'))));

    const expected = Array.from({ length: 50 }, (_, i) => `C2026-${String(i + 1).padStart(6, '0')}`);
    expect([...issued].sort()).toEqual(expected);
    expect((await numbersOf('C2026')).map((row) => row.number)).toEqual(expected);
    expect(await db.prisma.invoiceNumberSeries.findUnique({ where: { series: 'C2026' } })).toEqual({ series: 'C2026', lastNumber: 50 });
  });

  it('dates 30 simultaneous issues when each takes its number: numbers and dates rise together, across New Year in Paris', async () => {
    const allocator = new InvoiceNumberAllocator({ template: 'D{year}-{seq:6}', timeZone: 'Europe/Paris' });
    // 23:59:59.985 in Paris on 31 December, one millisecond later at every reading.
    let instant = Date.parse('2026-12-31T22:59:59.985Z');
    const clock = () => new Date(instant++);
    await Promise.all(Array.from({ length: 30 }, () => issue(allocator, clock)));
    const rows = await db.prisma.invoice.findMany({ where: { series: { in: ['D2026', 'D2027'] } }, orderBy: [{ issuedAt: 'asc' }] });
    expect(rows).toHaveLength(30);
    expect(rows.map((row) => row.number)).toEqual([
      ...Array.from({ length: 15 }, (_, i) => `D2026-${String(i + 1).padStart(6, '0')}`),
      ...Array.from({ length: 15 }, (_, i) => `D2027-${String(i + 1).padStart(6, '0')}`),
    ]);
  });

  it('gives a failed issue’s number back, so the next issue takes it', async () => {
    const allocator = new InvoiceNumberAllocator({ template: 'R{year}-{seq:6}', timeZone: 'UTC' });
    const when = new Date('2026-04-01T09:00:00Z');
    expect(await issue(allocator, when)).toBe('R2026-000001');
    await expect(issue(allocator, when, true)).rejects.toThrow('the provider call after numbering failed');
    expect(await issue(allocator, when)).toBe('R2026-000002');
    expect((await numbersOf('R2026')).map((row) => row.sequence)).toEqual([1, 2]);
  });

  it('leaves no gap when some of many simultaneous issues fail after taking their number', async () => {
    const allocator = new InvoiceNumberAllocator({ template: 'M{year}-{seq:6}', timeZone: 'UTC' });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) => issue(allocator, new Date('2026-05-01T09:00:00Z'), i % 3 === 0)),
    );
    expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toHaveLength(10);
    expect((await numbersOf('M2026')).map((row) => row.sequence)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('starts a new series at 1 with a new calendar year, and never reuses the old one', async () => {
    const allocator = new InvoiceNumberAllocator({ template: 'Y{year}-{seq:6}', timeZone: 'UTC' });
    expect(await issue(allocator, new Date('2026-12-31T23:59:59Z'))).toBe('Y2026-000001');
    expect(await issue(allocator, new Date('2026-12-31T23:59:59.999Z'))).toBe('Y2026-000002');
    expect(await issue(allocator, new Date('2027-01-01T00:00:00Z'))).toBe('Y2027-000001');
    expect(await issue(allocator, new Date('2027-06-01T00:00:00Z'))).toBe('Y2027-000002');
  });

  it('takes the year in the seller’s time zone', async () => {
    const allocator = new InvoiceNumberAllocator({ template: 'P{year}-{seq:6}', timeZone: 'Europe/Paris' });
    // 23:30 UTC on 31 December is already New Year's Day in Paris.
    expect(await issue(allocator, new Date('2026-12-31T23:30:00Z'))).toBe('P2027-000001');
  });

  it('numbers with the default format, one series per year: F2026-000001', async () => {
    const allocator = new InvoiceNumberAllocator();
    expect(await issue(allocator, new Date('2026-11-24T10:00:00Z'))).toBe('F2026-000001');
    expect(await numbersOf('F2026')).toEqual([{ sequence: 1, number: 'F2026-000001' }]);
  });

  it('follows a configured format, and a format without {year} never resets', async () => {
    const slashed = new InvoiceNumberAllocator({ template: '{year}/{seq:4}', timeZone: 'UTC' });
    expect(await issue(slashed, new Date('2026-02-01T00:00:00Z'))).toBe('2026/0001');
    const perpetual = new InvoiceNumberAllocator({ template: 'INV-{seq}', timeZone: 'UTC' });
    expect(await issue(perpetual, new Date('2026-02-01T00:00:00Z'))).toBe('INV-1');
    expect(await issue(perpetual, new Date('2027-02-01T00:00:00Z'))).toBe('INV-2');
    expect((await numbersOf('INV')).map((row) => row.number)).toEqual(['INV-1', 'INV-2']);
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
    expect(() => new InvoiceNumberAllocator({ template: 'F{year}-{seq:6}', timeZone: 'Europe/Atlantis' })).toThrow(RangeError);
  });
});
