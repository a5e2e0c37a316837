// Issues the legal invoice when the provider finalizes one: number, VAT treatment, seller and buyer
// snapshots, in one transaction with the number, so a failure gives the number back (no gap). The
// provider only ever knew an anonymous id: the identity printed comes from our database, frozen here.
import type { SellerIdentity } from '../../config.ts';
import type { CustomerRecord, InvoiceRecord, PrismaClient } from '../../db/prisma-types.ts';
import type { CustomerVat } from '../vat/customer-vat.ts';
import type { InvoiceNumberAllocator } from './invoice-number-allocator.ts';

export class InvoiceIssuer {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly allocator: InvoiceNumberAllocator,
    private readonly seller: SellerIdentity,
    private readonly vat: CustomerVat,
  ) {}

  /** Idempotent: an invoice already issued (by another replica, or an earlier delivery) stays as it is. */
  async issue(invoice: InvoiceRecord, customer: CustomerRecord, issuedAt: Date): Promise<InvoiceRecord> {
    if (invoice.issuedAt) return invoice;
    const vat = await this.vat.decide(customer, issuedAt);
    return this.prisma.$transaction(async (tx) => {
      // The row lock makes concurrent issuers of one invoice queue up; the loser finds it issued.
      const [locked] = await tx.$queryRaw<{ issued_at: Date | null }[]>`
        SELECT issued_at FROM invoices WHERE id = ${invoice.id}::uuid FOR UPDATE`;
      if (!locked || locked.issued_at) return tx.invoice.findUniqueOrThrow({ where: { id: invoice.id } });
      const { series, sequence, number } = await this.allocator.allocate(tx, issuedAt);
      return tx.invoice.update({
        where: { id: invoice.id },
        data: {
          number,
          series,
          sequence,
          issuedAt,
          vatTreatment: vat.treatment,
          vatRateBps: vat.rateBps,
          vatMention: vat.mention,
          sellerSnapshot: { ...this.seller },
          buyerSnapshot: buyerSnapshot(customer, vat.treatment === 'REVERSE_CHARGE'),
        },
      });
    });
  }
}

/**
 * Whether the VAT the provider charged is the VAT our invoice states (tax rounded per line, as the
 * provider does). It can differ only when the provider's tax rates lagged behind a change of the buyer's
 * situation; such an invoice is issued as charged and reported for a correcting credit note.
 */
export function chargedVatMatches(issued: Pick<InvoiceRecord, 'vatRateBps' | 'taxAmount'>, lineAmounts: number[]): boolean {
  const expected = lineAmounts.reduce((sum, amount) => sum + Math.round((amount * issued.vatRateBps) / 10_000), 0);
  return expected === issued.taxAmount;
}

/** The buyer as printed: its VAT number only where it matters (reverse charge), as art. 226 asks. */
function buyerSnapshot(customer: CustomerRecord, reverseCharge: boolean) {
  return {
    legalName: customer.legalName,
    addressLine1: customer.addressLine1,
    addressLine2: customer.addressLine2,
    postalCode: customer.postalCode,
    city: customer.city,
    region: customer.region,
    country: customer.country,
    vatNumber: reverseCharge ? customer.vatNumber : null,
  };
}
