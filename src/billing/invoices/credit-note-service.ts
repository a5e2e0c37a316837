// Credit notes an operator issues (a refund, a correction): a document of its own, in the credit-note
// series, correcting one issued invoice with that invoice's VAT treatment and rate, never crediting more
// than the invoice minus its earlier credit notes. Moving money (the provider's refund) is the caller's;
// this records the legal side. Several credit notes of one invoice are serialized by its row lock.
import type { PrismaClient } from '../../db/prisma-types.ts';
import type { Invoice } from './invoice.ts';
import { invalidInput, notFound, requireUuid } from '../errors.ts';
import { lineVat } from '../vat/vat-amount.ts';
import type { InvoiceDocumentService } from './invoice-document-service.ts';
import { statedVatOf, type InvoiceIssuer } from './invoice-issuer.ts';

export const MAX_CREDIT_REASON_LENGTH = 500;

export class CreditNoteService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly issuer: InvoiceIssuer,
    private readonly documents: InvoiceDocumentService,
  ) {}

  /**
   * Issues a credit note of `amount` (minor units, VAT included: what is given back) against an issued
   * invoice. Crediting the whole invoice repeats its own lines, negated; a part is split into taxable
   * amount and VAT at the invoice's rate, and refused when no cent amount splits exactly.
   */
  async issueCreditNote(invoiceId: string, amount: number, reason: string): Promise<Invoice> {
    const id = requireUuid(invoiceId, 'invoiceId');
    if (!Number.isSafeInteger(amount) || amount <= 0)
      throw invalidInput('`amount` must be a positive number of minor units', 'amount');
    const why = reason.trim();
    if (!why || why.length > MAX_CREDIT_REASON_LENGTH)
      throw invalidInput(`\`reason\` must be 1 to ${MAX_CREDIT_REASON_LENGTH} characters`, 'reason');
    const note = await this.prisma.$transaction(async (tx) => {
      const [locked] = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM invoices WHERE id = ${id}::uuid FOR UPDATE`;
      const invoice = locked && (await tx.invoice.findUnique({ where: { id } }));
      if (!invoice || invoice.kind !== 'INVOICE' || !invoice.issuedAt) throw notFound('issued invoice');
      const credited = await tx.invoice.aggregate({
        where: { correctsInvoiceId: id, issuedAt: { not: null } },
        _sum: { total: true },
      });
      const creditable = invoice.total + (credited._sum.total ?? 0);
      if (amount > creditable)
        throw invalidInput(`at most ${creditable} can still be credited on this invoice`, 'amount');
      // The whole invoice: its own lines, negated, so every figure mirrors it. A part: one line.
      const lines =
        amount === invoice.total
          ? await tx.invoiceLine.findMany({ where: { invoiceId: id }, orderBy: { position: 'asc' } })
          : null;
      const split = lines
        ? { taxable: invoice.subtotal, vat: invoice.taxAmount }
        : splitAtRate(amount, invoice.vatRateBps);
      if (!split)
        throw invalidInput(
          `${amount} cannot be split exactly into an amount and its VAT at this invoice's rate; credit one cent more or less`,
          'amount',
        );
      const creditLines = lines
        ? lines.map((line) => ({
            position: line.position,
            description: `Credit: ${line.description}`,
            quantity: line.quantity,
            unitAmount: -line.unitAmount,
            discountAmount: -line.discountAmount,
            amount: -line.amount,
            periodStart: line.periodStart,
            periodEnd: line.periodEnd,
          }))
        : [
            {
              position: 1,
              description: `Credit on invoice ${invoice.number}`,
              quantity: 1,
              unitAmount: -split.taxable,
              amount: -split.taxable,
            },
          ];
      const row = await tx.invoice.create({
        data: {
          customerId: invoice.customerId,
          status: 'PAID',
          currency: invoice.currency,
          subtotal: -split.taxable,
          taxAmount: -split.vat,
          total: -amount,
          amountPaid: 0,
          amountDue: 0,
          periodStart: invoice.periodStart,
          periodEnd: invoice.periodEnd,
          lines: { create: creditLines },
        },
      });
      return this.issuer.issueInTransaction(tx, row.id, statedVatOf(invoice), {
        buyerSnapshot: invoice.buyerSnapshot ?? {},
        correctsInvoiceId: invoice.id,
        creditReason: why,
      });
    });
    await this.documents.freeze(note.id);
    return note;
  }
}

/** The taxable amount whose VAT (the one rounding rule) brings the total to exactly `total`; null if none. */
export function splitAtRate(total: number, rateBps: number): { taxable: number; vat: number } | null {
  const estimate = Math.round((total * 10_000) / (10_000 + rateBps));
  for (const taxable of [estimate, estimate - 1, estimate + 1]) {
    const vat = lineVat(taxable, rateBps);
    if (taxable >= 0 && taxable + vat === total) return { taxable, vat };
  }
  return null;
}
