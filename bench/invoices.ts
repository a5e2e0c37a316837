// Suite `invoices`: legal invoices issued per second on PostgreSQL through the real issuer (number from the
// gapless allocator, VAT, seller and buyer snapshots, in one transaction; then its PDF rendered and
// stored, as at every issue), by BENCH_INVOICE_CONCURRENCY issuers at once, for at most BENCH_SECONDS or
// BENCH_INVOICES invoices. Then checks that the series has no gap and no duplicate. Runs in the bench's
// own process, on its own pool, against the seeded database.
import { randomUUID } from 'node:crypto';
import { InvoiceDocumentService } from '../src/billing/invoices/invoice-document-service.ts';
import { InvoiceIssuer } from '../src/billing/invoices/invoice-issuer.ts';
import { InvoiceNumberAllocator } from '../src/billing/invoices/invoice-number-allocator.ts';
import { InvoiceRepository } from '../src/billing/invoices/invoice-repository.ts';
import type { SupplyVatDecision } from '../src/billing/vat/supply-vat-decision.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import type { BenchContext } from './context.ts';

const CONCURRENCY = Number(process.env.BENCH_INVOICE_CONCURRENCY ?? 8);
const MAX_INVOICES = Number(process.env.BENCH_INVOICES ?? 2000);
const CUSTOMERS = 50;

export async function invoicesSuite({ settings, databaseUrl }: BenchContext): Promise<void> {
  const { invoicing } = loadConfig({ NODE_ENV: 'test', DATABASE_URL: databaseUrl });
  const database = await openDatabase({ kind: 'postgres', url: databaseUrl, poolSize: CONCURRENCY + 2 });
  try {
    const { prisma } = database;
    const invoices = new InvoiceRepository(prisma);
    const documents = new InvoiceDocumentService(invoices, invoicing.timeZone);
    const issuer = new InvoiceIssuer({
      prisma,
      invoices,
      invoiceNumbers: new InvoiceNumberAllocator({ template: invoicing.numberTemplate, timeZone: invoicing.timeZone }),
      creditNoteNumbers: new InvoiceNumberAllocator({
        template: invoicing.creditNoteNumberTemplate,
        timeZone: invoicing.timeZone,
      }),
      seller: invoicing.seller,
      documents,
    });

    const customers = await Promise.all(
      Array.from({ length: CUSTOMERS }, (_, i) =>
        prisma.customer.create({
          data: {
            userId: `invoice-bench-${randomUUID()}`,
            planId: 'lite',
            driveStorageBytes: 1_000_000_000n,
            parallelDownloads: 8,
            legalName: `Customer ${i}`,
            addressLine1: `${i} rue de la Paix`,
            postalCode: '75002',
            city: 'Paris',
            country: 'FR',
          },
        }),
      ),
    );
    const invoiceIds = Array.from({ length: MAX_INVOICES }, () => randomUUID());
    await prisma.invoice.createMany({
      data: invoiceIds.map((id, i) => ({
        id,
        customerId: customers[i % CUSTOMERS]!.id,
        providerInvoiceId: `in_bench_${id}`,
        status: 'PAID' as const,
        currency: 'EUR',
        subtotal: 800,
        taxAmount: 160,
        total: 960,
        amountPaid: 960,
        amountDue: 960,
        vatRateBps: 2000,
      })),
    });
    await prisma.invoiceLine.createMany({
      data: invoiceIds.map((invoiceId) => ({
        invoiceId,
        position: 1,
        description: 'Lite, monthly',
        quantity: 1,
        unitAmount: 800,
        amount: 800,
      })),
    });
    const byId = new Map(customers.map((customer) => [customer.id, customer]));
    const rateDay = new Date().toISOString().slice(0, 10);
    const decision: SupplyVatDecision = {
      treatment: 'STANDARD',
      rateBps: 2000,
      rateCountry: 'FR',
      mention: null,
      rateDay,
      vatNumberStatus: 'NOT_CHECKED',
    };

    const pending = [...invoiceIds].reverse();
    let issuedCount = 0;
    let failures = 0;
    // A failed issue (its transaction timed out waiting for the series' lock) gives its number back and is
    // tried again, as the provider-event job would.
    const issueNext = async () => {
      const id = pending.pop()!;
      try {
        const invoice = (await invoices.findById(id))!;
        await issuer.issue(invoice, byId.get(invoice.customerId)!, decision);
        issuedCount++;
      } catch {
        failures++;
        pending.push(id);
      }
    };
    // Warm-up, not timed: the first render loads pdfkit and the fonts.
    await Promise.all(Array.from({ length: CONCURRENCY }, issueNext));
    const warmedUp = issuedCount;
    const deadline = performance.now() + settings.seconds * 1000;
    const started = performance.now();
    const issuerLoop = async () => {
      while (pending.length > 0 && performance.now() < deadline) await issueNext();
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, issuerLoop));
    const elapsed = (performance.now() - started) / 1000;
    const timed = issuedCount - warmedUp;

    const { rows } = (await database.executeSql(
      `SELECT series, count(*)::int AS issued, min(sequence) AS first, max(sequence) AS last, count(DISTINCT sequence)::int AS distinct, count(pdf)::int AS pdfs
       FROM invoices WHERE provider_invoice_id LIKE 'in_bench_%' AND issued_at IS NOT NULL GROUP BY series`,
    )) as { rows: { series: string; issued: number; first: number; last: number; distinct: number; pdfs: number }[] };
    const issued = rows.reduce((sum, row) => sum + row.issued, 0);
    const gapless = rows.every(
      (row) => row.distinct === row.issued && row.last - row.first + 1 === row.issued && row.pdfs === row.issued,
    );
    if (!gapless)
      throw new Error(`invoice numbering has a gap or a duplicate, or an invoice has no PDF: ${JSON.stringify(rows)}`);

    console.log('\n## Legal invoices issued (PostgreSQL, the real issuer, PDF included)\n');
    console.log(
      '| issuers at once | invoices issued (timed) | seconds | invoices/s | failed and retried | numbering (warm-up included) |',
    );
    console.log('|---|---|---|---|---|---|');
    console.log(
      `| ${CONCURRENCY} | ${timed} | ${elapsed.toFixed(1)} | ${(timed / elapsed).toFixed(1)} | ${failures} | gapless: ${rows.map((row) => `${row.series} ${row.first}–${row.last}`).join(', ')}, ${issued} issued |`,
    );
  } finally {
    await database.close();
  }
}
