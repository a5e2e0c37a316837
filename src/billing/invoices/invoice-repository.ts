import type { InvoiceLineRecord, InvoiceRecord, PrismaClient } from '../../db/prisma-types.ts';
import type { ProviderInvoice } from '../../payments/payment-provider.ts';
import type { InvoicePosition } from './invoice-cursor.ts';

/** Prisma's code for a unique constraint violation. */
const UNIQUE_VIOLATION = 'P2002';

const STATUS_RANK: Record<ProviderInvoice['status'], number> = { DRAFT: 0, OPEN: 1, UNCOLLECTIBLE: 2, PAID: 3, VOID: 3 };

export class InvoiceRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** Newest first, keyset-paginated on (createdAt, id) so pages stay stable while invoices are added. */
  findPage(customerId: string, limit: number, after: InvoicePosition | null): Promise<InvoiceRecord[]> {
    return this.prisma.invoice.findMany({
      where: {
        customerId,
        ...(after && {
          OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }],
        }),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit,
    });
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

  findByProviderId(providerInvoiceId: string): Promise<InvoiceRecord | null> {
    return this.prisma.invoice.findUnique({ where: { providerInvoiceId } });
  }

  /** The definition of the `unpaidInvoice` flag: an open invoice whose payment failed, or that is past due. */
  async hasUnpaid(customerId: string, now: Date): Promise<boolean> {
    const count = await this.prisma.invoice.count({
      where: { customerId, status: 'OPEN', OR: [{ paymentFailedAt: { not: null } }, { dueAt: { lt: now } }] },
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
        const { status, amountPaid, amountDue, paidAt, paymentFailedAt } = state;
        return tx.invoice.update({ where: { id: existing.id }, data: { status, amountPaid, amountDue, paidAt, paymentFailedAt } });
      }
      await tx.invoiceLine.deleteMany({ where: { invoiceId: existing.id } });
      await tx.invoiceLine.createMany({ data: lines.map((line) => ({ ...line, invoiceId: existing.id })) });
      return tx.invoice.update({ where: { id: existing.id }, data: state });
    });
  }
}
