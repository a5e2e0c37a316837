import type { InvoiceLineRecord, InvoiceRecord, PrismaClient } from '../../db/prisma-types.ts';
import { Prisma } from '../../generated/prisma/client.ts';
import type { ProviderInvoice } from '../ports/payment-provider.ts';
import type { SupplyVatDecision } from '../vat/supply-vat-decision.ts';
import type { Invoice, InvoiceLine } from './invoice.ts';
import type { InvoicePosition } from './invoice-cursor.ts';
import { partySnapshot } from './party-snapshot.ts';

/** Prisma's code for a unique constraint violation. */
const UNIQUE_VIOLATION = 'P2002';

/** The stored renderings of an issued document: its PDF and its Factur-X e-invoice. */
export type StoredDocumentKind = 'pdf' | 'eInvoice';

/** The stored documents' bytes: only a download reads them (`storedDocuments`). */
export const STORED_DOCUMENTS = { pdf: true, eInvoice: true } as const;

const STATUS_RANK: Record<ProviderInvoice['status'], number> = {
  DRAFT: 0,
  OPEN: 1,
  UNCOLLECTIBLE: 2,
  PAID: 3,
  VOID: 3,
};

export class InvoiceRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * The newest `limit` invoices of each customer after `after`, newest first: keyset-paginated on
   * (createdAt, id) so pages stay stable while invoices are added. One statement whatever the number of
   * customers (the batch read of `Customer.invoices`), without the stored PDFs' bytes.
   */
  async findPages(customerIds: readonly string[], limit: number, after: InvoicePosition | null): Promise<Invoice[]> {
    if (customerIds.length === 0) return [];
    const ids = Prisma.join(customerIds.map((id) => Prisma.sql`${id}::uuid`));
    const before = after ? Prisma.sql`AND (created_at, id) < (${after.createdAt}, ${after.id}::uuid)` : Prisma.empty;
    const rows = await this.prisma.$queryRaw<InvoiceRow[]>`
      SELECT ${INVOICE_COLUMNS} FROM (
        SELECT *, row_number() OVER (PARTITION BY customer_id ORDER BY created_at DESC, id DESC) AS position
        FROM invoices WHERE customer_id IN (${ids}) ${before}
      ) ranked
      WHERE position <= ${limit}
      ORDER BY created_at DESC, id DESC`;
    return rows.map(invoiceFromRow);
  }

  async findById(id: string): Promise<Invoice | null> {
    return nullable(await this.prisma.invoice.findUnique({ where: { id }, omit: STORED_DOCUMENTS }));
  }

  async findLinesByInvoiceIds(invoiceIds: readonly string[]): Promise<InvoiceLine[]> {
    const rows = await this.prisma.invoiceLine.findMany({
      where: { invoiceId: { in: [...invoiceIds] } },
      orderBy: [{ invoiceId: 'asc' }, { position: 'asc' }],
    });
    return rows.map(invoiceLineFromRow);
  }

  /** What refunds gave back on each invoice (its operators' credit notes, as in `creditedOn`), 0 when none. */
  async refundedOn(invoiceIds: readonly string[]): Promise<Map<string, number>> {
    const sums = await this.prisma.invoice.groupBy({
      by: ['correctsInvoiceId'],
      where: { correctsInvoiceId: { in: [...invoiceIds] }, issuedAt: { not: null }, providerInvoiceId: null },
      _sum: { total: true },
    });
    const refunded = new Map(invoiceIds.map((id) => [id, 0]));
    for (const sum of sums) if (sum.correctsInvoiceId) refunded.set(sum.correctsInvoiceId, -(sum._sum.total ?? 0));
    return refunded;
  }

  /**
   * What the issued credit notes of an invoice gave back, as positive amounts: all of them, and those an
   * operator issued (no provider invoice behind them, and not split from one: refunds), apart from the
   * provider's own credits.
   */
  async creditedOn(invoiceId: string): Promise<{ all: number; byOperators: number }> {
    // A voided credit note (split from a voided provider invoice) gave nothing back.
    const issued = { correctsInvoiceId: invoiceId, issuedAt: { not: null }, status: { not: 'VOID' as const } };
    const [all, byOperators] = await Promise.all([
      this.prisma.invoice.aggregate({ where: issued, _sum: { total: true } }),
      this.prisma.invoice.aggregate({
        where: { ...issued, providerInvoiceId: null, splitFromId: null },
        _sum: { total: true },
      }),
    ]);
    return { all: -(all._sum.total ?? 0), byOperators: -(byOperators._sum.total ?? 0) };
  }

  async findByProviderId(providerInvoiceId: string): Promise<Invoice | null> {
    return nullable(await this.prisma.invoice.findUnique({ where: { providerInvoiceId }, omit: STORED_DOCUMENTS }));
  }

  /** The VAT decision recorded on an invoice not yet issued; null when none is. */
  static recordedVat(
    row: Pick<
      Invoice,
      | 'vatDecidedAt'
      | 'vatRateDay'
      | 'vatTreatment'
      | 'vatRateBps'
      | 'vatRateCountry'
      | 'vatMention'
      | 'vatNumberStatus'
    >,
  ): SupplyVatDecision | null {
    if (!row.vatDecidedAt || !row.vatRateDay) return null;
    return {
      treatment: row.vatTreatment,
      rateBps: row.vatRateBps,
      rateCountry: row.vatRateCountry,
      mention: row.vatMention,
      rateDay: row.vatRateDay,
      vatNumberStatus: row.vatNumberStatus,
    };
  }

  /**
   * Records the supply's VAT decision on a row not yet issued. With `onlyFirst`, a decision already there
   * wins (two replicas drafting at once agree on one); the recorded decision is returned.
   */
  async recordVat(id: string, decision: SupplyVatDecision, at: Date, onlyFirst: boolean): Promise<SupplyVatDecision> {
    await this.prisma.invoice.updateMany({
      where: { id, issuedAt: null, ...(onlyFirst ? { vatDecidedAt: null } : {}) },
      data: {
        vatTreatment: decision.treatment,
        vatRateBps: decision.rateBps,
        vatRateCountry: decision.rateCountry,
        vatMention: decision.mention,
        vatRateDay: decision.rateDay,
        vatNumberStatus: decision.vatNumberStatus,
        vatDecidedAt: at,
      },
    });
    const row = await this.prisma.invoice.findUniqueOrThrow({ where: { id } });
    return InvoiceRepository.recordedVat(row) ?? decision;
  }

  /** The stored documents of an invoice, each null until it is rendered. */
  async storedDocuments(id: string): Promise<Record<StoredDocumentKind, { pdf: Buffer; sha256: string } | null>> {
    const row = await this.prisma.invoice.findUnique({
      where: { id },
      select: { pdf: true, pdfSha256: true, eInvoice: true, eInvoiceSha256: true },
    });
    return {
      pdf: row?.pdf && row.pdfSha256 ? { pdf: Buffer.from(row.pdf), sha256: row.pdfSha256 } : null,
      eInvoice:
        row?.eInvoice && row.eInvoiceSha256 ? { pdf: Buffer.from(row.eInvoice), sha256: row.eInvoiceSha256 } : null,
    };
  }

  /** Stores an issued document's PDF or e-invoice once; returns what is stored (the other writer's, if it came first). */
  async storeDocument(
    id: string,
    kind: StoredDocumentKind,
    bytes: Buffer,
    sha256: string,
  ): Promise<{ pdf: Buffer; sha256: string } | null> {
    const data =
      kind === 'pdf'
        ? { pdf: new Uint8Array(bytes), pdfSha256: sha256 }
        : { eInvoice: new Uint8Array(bytes), eInvoiceSha256: sha256 };
    await this.prisma.invoice.updateMany({ where: { id, [kind]: null, issuedAt: { not: null } }, data });
    return (await this.storedDocuments(id))[kind];
  }

  /**
   * The definition of the `unpaidInvoice` flag: an open invoice whose payment failed, or that is past due;
   * not the invoice of a pending plan change (`pendingInvoiceId`), which only decides whether the change applies.
   */
  async hasUnpaid(customerId: string, now: Date, pendingInvoiceId: string | null = null): Promise<boolean> {
    const count = await this.prisma.invoice.count({
      where: {
        customerId,
        status: 'OPEN',
        OR: [{ paymentFailedAt: { not: null } }, { dueAt: { lt: now } }],
        ...(pendingInvoiceId ? { NOT: { providerInvoiceId: pendingInvoiceId } } : {}),
      },
    });
    return count > 0;
  }

  /**
   * Mirrors the provider's invoice, keyed by its id; lines are replaced while it is a draft or new here.
   * Two replicas creating the same invoice at once: the loser of the unique index runs again as an update.
   */
  async upsertFromProvider(customerId: string, invoice: ProviderInvoice, now: Date): Promise<Invoice> {
    try {
      return await this.writeFromProvider(customerId, invoice, now);
    } catch (error) {
      if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
      return this.writeFromProvider(customerId, invoice, now);
    }
  }

  private async writeFromProvider(customerId: string, invoice: ProviderInvoice, now: Date): Promise<Invoice> {
    const existing = await this.findByProviderId(invoice.id);
    // An invoice only moves forward (draft, open, uncollectible, paid or void): an older read that
    // arrives late (a slow job, a replayed event) must not undo a payment.
    if (existing && STATUS_RANK[invoice.status] < STATUS_RANK[existing.status]) return existing;
    const state = {
      status: invoice.status,
      currency: invoice.currency,
      subtotal: invoice.subtotal,
      taxAmount: invoice.tax,
      total: invoice.total,
      amountPaid: invoice.amountPaid,
      amountDue: invoice.amountDue,
      periodStart: invoice.periodStart,
      periodEnd: invoice.periodEnd,
      dueAt: invoice.dueAt,
      paidAt: invoice.paidAt,
      // The first failure starts the flag; paying or voiding the invoice ends it (status leaves OPEN).
      paymentFailedAt: invoice.paymentFailed ? (existing?.paymentFailedAt ?? now) : null,
      paymentProcessing: invoice.paymentProcessing,
    };
    const lines = invoice.lines.map((line, index) => ({
      position: index + 1,
      description: line.description,
      quantity: line.quantity,
      unitAmount: line.unitAmount,
      discountAmount: line.discountAmount,
      amount: line.amount,
      proration: line.proration,
      creditsInvoice: line.creditedInvoiceId,
      periodStart: line.periodStart,
      periodEnd: line.periodEnd,
    }));
    const written = await this.prisma.$transaction(async (tx) => {
      if (!existing) {
        return tx.invoice.create({
          data: {
            customerId,
            providerInvoiceId: invoice.id,
            createdAt: invoice.createdAt,
            ...state,
            lines: { create: lines },
          },
        });
      }
      // An issued invoice is a legal record: only its payment state may change.
      if (existing.issuedAt !== null) {
        const { status, amountPaid, amountDue, paidAt, paymentFailedAt, paymentProcessing } = state;
        // A voided provider invoice (a plan change never paid) gave no credit either.
        if (status === 'VOID') await tx.invoice.updateMany({ where: { splitFromId: existing.id }, data: { status } });
        return tx.invoice.update({
          where: { id: existing.id },
          data: { status, amountPaid, amountDue, paidAt, paymentFailedAt, paymentProcessing },
        });
      }
      await tx.invoiceLine.deleteMany({ where: { invoiceId: existing.id } });
      await tx.invoiceLine.createMany({ data: lines.map((line) => ({ ...line, invoiceId: existing.id })) });
      return tx.invoice.update({ where: { id: existing.id }, data: state });
    });
    return invoiceFromRow(written);
  }
}

/** What the domain reads of a row: all but the stored documents and the bookkeeping. */
type InvoiceRow = Omit<InvoiceRecord, 'pdf' | 'eInvoice' | 'updatedAt'>;

/** `InvoiceRow`'s columns under Prisma's field names, for the statements Prisma's API cannot express. */
const INVOICE_COLUMNS = Prisma.raw(
  [
    'id',
    'customer_id AS "customerId"',
    'provider_invoice_id AS "providerInvoiceId"',
    'number',
    'series',
    'sequence',
    'kind',
    'corrects_invoice_id AS "correctsInvoiceId"',
    'credit_reason AS "creditReason"',
    'status',
    'currency',
    'subtotal',
    'tax_amount AS "taxAmount"',
    'total',
    'amount_paid AS "amountPaid"',
    'amount_due AS "amountDue"',
    'vat_rate_bps AS "vatRateBps"',
    'vat_treatment AS "vatTreatment"',
    'vat_mention AS "vatMention"',
    'vat_rate_country AS "vatRateCountry"',
    'vat_number_status AS "vatNumberStatus"',
    'vat_decided_at AS "vatDecidedAt"',
    'vat_rate_day AS "vatRateDay"',
    'pdf_sha256 AS "pdfSha256"',
    'e_invoice_sha256 AS "eInvoiceSha256"',
    'seller_snapshot AS "sellerSnapshot"',
    'buyer_snapshot AS "buyerSnapshot"',
    'period_start AS "periodStart"',
    'period_end AS "periodEnd"',
    'issued_at AS "issuedAt"',
    'due_at AS "dueAt"',
    'paid_at AS "paidAt"',
    'payment_failed_at AS "paymentFailedAt"',
    'payment_processing AS "paymentProcessing"',
    'created_at AS "createdAt"',
  ].join(', '),
);

const nullable = (row: InvoiceRow | null) => row && invoiceFromRow(row);

/** The row in the domain's terms (its stored PDF apart): the one place that knows the columns. */
export function invoiceFromRow(row: InvoiceRow): Invoice {
  return {
    id: row.id,
    customerId: row.customerId,
    providerInvoiceId: row.providerInvoiceId,
    number: row.number,
    series: row.series,
    sequence: row.sequence,
    kind: row.kind,
    correctsInvoiceId: row.correctsInvoiceId,
    creditReason: row.creditReason,
    status: row.status,
    currency: row.currency,
    subtotal: row.subtotal,
    taxAmount: row.taxAmount,
    total: row.total,
    amountPaid: row.amountPaid,
    amountDue: row.amountDue,
    vatRateBps: row.vatRateBps,
    vatTreatment: row.vatTreatment,
    vatMention: row.vatMention,
    vatRateCountry: row.vatRateCountry,
    vatNumberStatus: row.vatNumberStatus,
    vatDecidedAt: row.vatDecidedAt,
    vatRateDay: row.vatRateDay,
    pdfSha256: row.pdfSha256,
    eInvoiceSha256: row.eInvoiceSha256,
    sellerSnapshot: partySnapshot(row.sellerSnapshot),
    buyerSnapshot: partySnapshot(row.buyerSnapshot),
    periodStart: row.periodStart,
    periodEnd: row.periodEnd,
    issuedAt: row.issuedAt,
    dueAt: row.dueAt,
    paidAt: row.paidAt,
    paymentFailedAt: row.paymentFailedAt,
    paymentProcessing: row.paymentProcessing,
    createdAt: row.createdAt,
  };
}

export function invoiceLineFromRow(row: InvoiceLineRecord): InvoiceLine {
  return {
    id: row.id,
    invoiceId: row.invoiceId,
    position: row.position,
    description: row.description,
    quantity: row.quantity,
    unitAmount: row.unitAmount,
    discountAmount: row.discountAmount,
    amount: row.amount,
    vatAmount: row.vatAmount,
    proration: row.proration,
    periodStart: row.periodStart,
    periodEnd: row.periodEnd,
  };
}
