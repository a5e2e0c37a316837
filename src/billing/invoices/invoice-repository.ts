import type { InvoiceLineRecord, InvoiceRecord, PrismaClient } from '../../db/prisma-types.ts';
import type { InvoicePosition } from './invoice-cursor.ts';

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
}
