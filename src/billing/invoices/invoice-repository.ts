import type { InvoiceLineRecord, InvoiceRecord, PrismaClient } from '../../db/prisma-types.ts';
import type { ProviderInvoice } from '../ports/payment-provider.ts';
import type { SupplyVatDecision } from '../vat/supply-vat-decision.ts';
import type { InvoicePosition } from './invoice-cursor.ts';

/** Prisma's code for a unique constraint violation. */
const UNIQUE_VIOLATION = 'P2002';

/** The stored renderings of an issued document: its PDF and its Factur-X e-invoice. */
export type StoredDocumentKind = 'pdf' | 'eInvoice';

const STATUS_RANK: Record<ProviderInvoice['status'], number> = { DRAFT: 0, OPEN: 1, UNCOLLECTIBLE: 2, PAID: 3, VOID: 3 };

export class InvoiceRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** Newest first, keyset-paginated on (createdAt, id) so pages stay stable while invoices are added. */
  /** Without the stored documents' bytes (only a download reads them). */
  async findPage(customerId: string, limit: number, after: InvoicePosition | null): Promise<InvoiceRecord[]> {
    const rows = await this.prisma.invoice.findMany({
      omit: { pdf: true, eInvoice: true },
      where: {
        customerId,
        ...(after && {
          OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }],
        }),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit,
    });
    return rows.map((row) => ({ ...row, pdf: null, eInvoice: null }));
  }

  findById(id: string): Promise<InvoiceRecord | null> {
    return this.prisma.invoice.findUnique({ where: { id } });
  }

  findLinesByInvoiceIds(invoiceIds: readonly string[]): Promise<InvoiceLineRecord[]> {
    return this.prisma.invoiceLine.findMany({
      where: { invoiceId: { in: [...invoiceIds] } },
      orderBy: [{ invoiceId: 'asc' }, { position: 'asc' }],
    });
  }

  /**
   * What the issued credit notes of an invoice gave back, as positive amounts: all of them, and those an
   * operator issued (no provider invoice behind them: refunds), apart from the provider's own credits.
   */
  async creditedOn(invoiceId: string): Promise<{ all: number; byOperators: number }> {
    const issued = { correctsInvoiceId: invoiceId, issuedAt: { not: null } };
    const [all, byOperators] = await Promise.all([
      this.prisma.invoice.aggregate({ where: issued, _sum: { total: true } }),
      this.prisma.invoice.aggregate({ where: { ...issued, providerInvoiceId: null }, _sum: { total: true } }),
    ]);
    return { all: -(all._sum.total ?? 0), byOperators: -(byOperators._sum.total ?? 0) };
  }

  /** The customer's latest issued invoice (not a credit note): what a credit from the provider corrects. */
  latestIssuedInvoice(customerId: string, exceptId?: string): Promise<InvoiceRecord | null> {
    return this.prisma.invoice.findFirst({
      where: { customerId, kind: 'INVOICE', issuedAt: { not: null }, ...(exceptId ? { id: { not: exceptId } } : {}) },
      orderBy: [{ issuedAt: 'desc' }, { sequence: 'desc' }],
    });
  }

  findByProviderId(providerInvoiceId: string): Promise<InvoiceRecord | null> {
    return this.prisma.invoice.findUnique({ where: { providerInvoiceId } });
  }

  /** The VAT decision recorded on an invoice not yet issued; null when none is. */
  static recordedVat(row: InvoiceRecord): SupplyVatDecision | null {
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

  /** Stores an issued document's PDF or e-invoice once; returns what is stored (the other writer's, if it came first). */
  async storeDocument(id: string, kind: StoredDocumentKind, bytes: Buffer, sha256: string): Promise<{ pdf: Buffer; sha256: string } | null> {
    const data = kind === 'pdf' ? { pdf: new Uint8Array(bytes), pdfSha256: sha256 } : { eInvoice: new Uint8Array(bytes), eInvoiceSha256: sha256 };
    await this.prisma.invoice.updateMany({ where: { id, [kind]: null, issuedAt: { not: null } }, data });
    const row = await this.prisma.invoice.findUnique({ where: { id }, select: { pdf: true, pdfSha256: true, eInvoice: true, eInvoiceSha256: true } });
    const [stored, digest] = kind === 'pdf' ? [row?.pdf, row?.pdfSha256] : [row?.eInvoice, row?.eInvoiceSha256];
    return stored && digest ? { pdf: Buffer.from(stored), sha256: digest } : null;
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
  async upsertFromProvider(customerId: string, invoice: ProviderInvoice, now: Date): Promise<InvoiceRecord> {
    try {
      return await this.writeFromProvider(customerId, invoice, now);
    } catch (error) {
      if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
      return this.writeFromProvider(customerId, invoice, now);
    }
  }

  private async writeFromProvider(customerId: string, invoice: ProviderInvoice, now: Date): Promise<InvoiceRecord> {
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
      periodStart: line.periodStart,
      periodEnd: line.periodEnd,
    }));
    return this.prisma.$transaction(async (tx) => {
      if (!existing) {
        return tx.invoice.create({
          data: { customerId, providerInvoiceId: invoice.id, createdAt: invoice.createdAt, ...state, lines: { create: lines } },
        });
      }
      // An issued invoice is a legal record: only its payment state may change.
      if (existing.issuedAt !== null) {
        const { status, amountPaid, amountDue, paidAt, paymentFailedAt, paymentProcessing } = state;
        return tx.invoice.update({ where: { id: existing.id }, data: { status, amountPaid, amountDue, paidAt, paymentFailedAt, paymentProcessing } });
      }
      await tx.invoiceLine.deleteMany({ where: { invoiceId: existing.id } });
      await tx.invoiceLine.createMany({ data: lines.map((line) => ({ ...line, invoiceId: existing.id })) });
      return tx.invoice.update({ where: { id: existing.id }, data: state });
    });
  }
}
