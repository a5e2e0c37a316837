import type { PrismaClient } from '../../db/prisma-types.ts';
import type { Invoice } from './invoice.ts';
import type { InvoicePosition } from './invoice-cursor.ts';
import { invoiceFromRow } from './invoice-repository.ts';

/** Which invoices an admin listing covers; every criterion is optional. */
export interface InvoiceFilter {
  issuedFrom: Date | null;
  issuedBefore: Date | null;
  status: Invoice['status'] | null;
  /** The buyer's country as printed on the invoice (its snapshot), ISO 3166-1 alpha-2. */
  country: string | null;
}

export interface CurrencyTotals {
  currency: string;
  count: number;
  subtotal: number;
  tax: number;
  total: number;
  amountPaid: number;
  amountDue: number;
}

/** Invoices across customers, for admins: pages, totals and exports over one filter. */
export class InvoiceListingRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async findPage(filter: InvoiceFilter, limit: number, after: InvoicePosition | null): Promise<Invoice[]> {
    const rows = await this.prisma.invoice.findMany({
      where: {
        AND: [
          whereOf(filter),
          after
            ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] }
            : {},
        ],
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit,
    });
    return rows.map(invoiceFromRow);
  }

  async totals(filter: InvoiceFilter): Promise<CurrencyTotals[]> {
    const groups = await this.prisma.invoice.groupBy({
      by: ['currency'],
      where: whereOf(filter),
      _count: { _all: true },
      _sum: { subtotal: true, taxAmount: true, total: true, amountPaid: true, amountDue: true },
      orderBy: { currency: 'asc' },
    });
    return groups.map((group) => ({
      currency: group.currency,
      count: group._count._all,
      subtotal: group._sum.subtotal ?? 0,
      tax: group._sum.taxAmount ?? 0,
      total: group._sum.total ?? 0,
      amountPaid: group._sum.amountPaid ?? 0,
      amountDue: group._sum.amountDue ?? 0,
    }));
  }

  count(filter: InvoiceFilter): Promise<number> {
    return this.prisma.invoice.count({ where: whereOf(filter) });
  }

  /** In issue order, for exports. */
  async findAll(filter: InvoiceFilter, limit: number): Promise<Invoice[]> {
    const rows = await this.prisma.invoice.findMany({
      where: whereOf(filter),
      orderBy: [{ issuedAt: 'asc' }, { createdAt: 'asc' }, { id: 'asc' }],
      take: limit,
    });
    return rows.map(invoiceFromRow);
  }
}

function whereOf(filter: InvoiceFilter) {
  return {
    ...(filter.status && { status: filter.status }),
    ...((filter.issuedFrom || filter.issuedBefore) && {
      issuedAt: {
        ...(filter.issuedFrom && { gte: filter.issuedFrom }),
        ...(filter.issuedBefore && { lt: filter.issuedBefore }),
      },
    }),
    ...(filter.country && { buyerSnapshot: { path: ['country'], equals: filter.country } }),
  };
}
