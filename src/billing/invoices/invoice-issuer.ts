// Issues the legal document when the provider finalizes an invoice: number, date, VAT, seller and buyer
// snapshots, in one transaction with the number, so a failure gives the number back (no gap). The VAT is
// the supply's one recorded decision, never decided again here. A negative document (a downgrade's credit)
// is a credit note in its own series, correcting the customer's latest invoice with that invoice's VAT.
// An upgrade's invoice, when the customer's VAT changed since the invoice its "unused time" lines credit, is
// issued as two documents: those lines become a credit note correcting that invoice at its VAT, the rest
// an invoice at the supply's decision (one VAT treatment per document, as each supply was taxed).
// The provider only ever knew an anonymous id: the identity printed comes from our database, frozen here.
import type { SellerIdentity } from './invoicing-settings.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import type { InvoiceRecord, PrismaClient } from '../../db/prisma-types.ts';
import type { Customer } from '../customers/customer.ts';
import type { Invoice } from './invoice.ts';
import { invoiceFromRow, STORED_DOCUMENTS } from './invoice-repository.ts';
import type { SupplyVatDecision } from '../vat/supply-vat-decision.ts';
import { documentVat, lineVat } from '../vat/vat-amount.ts';
import type { InvoiceDocumentService } from './invoice-document-service.ts';
import type { InvoiceNumberAllocator } from './invoice-number-allocator.ts';
import type { InvoiceRepository } from './invoice-repository.ts';

export interface InvoiceIssuerDependencies {
  prisma: PrismaClient;
  invoices: InvoiceRepository;
  invoiceNumbers: InvoiceNumberAllocator;
  creditNoteNumbers: InvoiceNumberAllocator;
  seller: SellerIdentity;
  documents: InvoiceDocumentService;
  now?: () => Date;
}

/** What a document states about its VAT: a decision, or for a credit note the corrected invoice's. */
export type StatedVat = Pick<
  SupplyVatDecision,
  'treatment' | 'rateBps' | 'rateCountry' | 'mention' | 'rateDay' | 'vatNumberStatus'
> & {
  /** When the decision was taken; left as recorded on the row when absent. */
  decidedAt?: Date | null;
};

export class InvoiceIssuer {
  private readonly now: () => Date;

  constructor(private readonly deps: InvoiceIssuerDependencies) {
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * Idempotent: an invoice already issued (by another replica, or an earlier delivery) stays as it is.
   * Returns the documents this call issued from the provider's invoice: it, and the credit note split from
   * it; none when it was issued already.
   */
  async issue(invoice: Invoice, customer: Customer, decision: SupplyVatDecision): Promise<Invoice[]> {
    if (invoice.issuedAt) return [];
    const corrected = invoice.total < 0 ? await this.correctedBy(invoice) : null;
    const previous = corrected ? null : await this.latestIssuedRow(invoice);
    const creditedAtOtherVat = previous && !sameVat(statedVatOf(previous), decision) ? previous : null;
    const issued = await this.deps.prisma.$transaction(async (tx) => {
      // The row lock makes concurrent issuers of one invoice queue up; the loser finds it issued.
      const [locked] = await tx.$queryRaw<{ issued_at: Date | null }[]>`
        SELECT issued_at FROM invoices WHERE id = ${invoice.id}::uuid FOR UPDATE`;
      if (!locked || locked.issued_at) return [];
      if (corrected) {
        return [
          await this.issueInTransaction(tx, invoice.id, statedVatOf(corrected), {
            buyerSnapshot: corrected.buyerSnapshot ?? {},
            correctsInvoiceId: corrected.id,
          }),
        ];
      }
      const creditNote = creditedAtOtherVat
        ? await this.splitUnusedTime(tx, invoice, decision, creditedAtOtherVat)
        : null;
      const issuedInvoice = await this.issueInTransaction(tx, invoice.id, decision, {
        buyerSnapshot: buyerSnapshot(customer, decision.treatment === 'REVERSE_CHARGE'),
        correctsInvoiceId: null,
      });
      return creditNote ? [issuedInvoice, creditNote] : [issuedInvoice];
    });
    for (const document of issued) await this.deps.documents.freeze(document.id);
    return issued;
  }

  /**
   * Moves the invoice's credits for unused time (prorations below zero) into a credit note of their own,
   * correcting `corrected` at its VAT, and leaves the invoice its other lines at `decision`, with the totals
   * of each recomputed by the one rounding rule. Null when the invoice credits nothing.
   */
  private async splitUnusedTime(
    tx: Prisma.TransactionClient,
    invoice: Invoice,
    decision: SupplyVatDecision,
    corrected: InvoiceRecord,
  ): Promise<Invoice | null> {
    const lines = await tx.invoiceLine.findMany({ where: { invoiceId: invoice.id }, orderBy: { position: 'asc' } });
    const credits = lines.filter((line) => line.proration && line.amount < 0);
    const charges = lines.filter((line) => !credits.includes(line));
    if (credits.length === 0 || charges.length === 0) return null;
    const vat = statedVatOf(corrected);
    const creditSubtotal = credits.reduce((sum, line) => sum + line.amount, 0);
    const creditVat = documentVat(
      credits.map((line) => line.amount),
      vat.rateBps,
    );
    const note = await tx.invoice.create({
      data: {
        customerId: invoice.customerId,
        status: 'PAID',
        currency: invoice.currency,
        subtotal: creditSubtotal,
        taxAmount: creditVat,
        total: creditSubtotal + creditVat,
        amountPaid: 0,
        amountDue: 0,
        periodStart: credits[0]?.periodStart ?? invoice.periodStart,
        periodEnd: credits[0]?.periodEnd ?? invoice.periodEnd,
      },
    });
    // Positions are unique per document: the moved lines first, then the remaining ones renumbered in order.
    for (const [index, line] of credits.entries())
      await tx.invoiceLine.update({ where: { id: line.id }, data: { invoiceId: note.id, position: index + 1 } });
    for (const [index, line] of charges.entries())
      if (line.position !== index + 1)
        await tx.invoiceLine.update({ where: { id: line.id }, data: { position: index + 1 } });
    const subtotal = charges.reduce((sum, line) => sum + line.amount, 0);
    const taxAmount = documentVat(
      charges.map((line) => line.amount),
      decision.rateBps,
    );
    await tx.invoice.update({
      where: { id: invoice.id },
      data: { subtotal, taxAmount, total: subtotal + taxAmount },
    });
    return this.issueInTransaction(tx, note.id, vat, {
      buyerSnapshot: corrected.buyerSnapshot ?? {},
      correctsInvoiceId: corrected.id,
    });
  }

  /**
   * Numbers, dates and states the VAT of an unissued row (kind from `correctsInvoiceId`). `tx` must hold
   * the row; its lines get their VAT before the row is issued (an issued row's lines are frozen).
   */
  async issueInTransaction(
    tx: Prisma.TransactionClient,
    invoiceId: string,
    vat: StatedVat,
    parties: { buyerSnapshot: Prisma.InputJsonValue; correctsInvoiceId: string | null; creditReason?: string },
  ): Promise<Invoice> {
    const lines = await tx.invoiceLine.findMany({ where: { invoiceId } });
    for (const line of lines) {
      const vatAmount = lineVat(line.amount, vat.rateBps);
      if (line.vatAmount !== vatAmount) await tx.invoiceLine.update({ where: { id: line.id }, data: { vatAmount } });
    }
    const creditNote = parties.correctsInvoiceId !== null;
    const { series, sequence, number, issuedAt } = await (
      creditNote ? this.deps.creditNoteNumbers : this.deps.invoiceNumbers
    ).allocate(tx, this.now);
    const issued = await tx.invoice.update({
      where: { id: invoiceId },
      data: {
        kind: creditNote ? 'CREDIT_NOTE' : 'INVOICE',
        correctsInvoiceId: parties.correctsInvoiceId,
        creditReason: parties.creditReason ?? (creditNote ? 'Credit for the unused time of the previous plan' : null),
        number,
        series,
        sequence,
        issuedAt,
        vatTreatment: vat.treatment,
        vatRateBps: vat.rateBps,
        vatMention: vat.mention,
        vatRateCountry: vat.rateCountry,
        vatNumberStatus: vat.vatNumberStatus,
        vatRateDay: vat.rateDay,
        ...(vat.decidedAt ? { vatDecidedAt: vat.decidedAt } : {}),
        sellerSnapshot: { ...this.deps.seller },
        buyerSnapshot: parties.buyerSnapshot,
      },
      omit: STORED_DOCUMENTS,
    });
    return invoiceFromRow(issued);
  }

  /**
   * The customer's latest issued invoice: what a credit from the provider (a downgrade) corrects. Its row,
   * so that the buyer snapshot is copied exactly as it was stored.
   */
  private async correctedBy(credit: Invoice) {
    const corrected = await this.latestIssuedRow(credit);
    if (!corrected) throw new Error(`credit ${credit.id} corrects no issued invoice of its customer`);
    return corrected;
  }

  private latestIssuedRow(other: Invoice): Promise<InvoiceRecord | null> {
    return this.deps.prisma.invoice.findFirst({
      where: { customerId: other.customerId, kind: 'INVOICE', issuedAt: { not: null }, id: { not: other.id } },
      orderBy: [{ issuedAt: 'desc' }, { sequence: 'desc' }],
    });
  }
}

/** The VAT an issued document stated: a credit note repeats it. */
export function statedVatOf(
  invoice: Pick<
    Invoice,
    'vatTreatment' | 'vatRateBps' | 'vatRateCountry' | 'vatMention' | 'vatRateDay' | 'vatNumberStatus' | 'vatDecidedAt'
  >,
): StatedVat {
  return {
    treatment: invoice.vatTreatment,
    rateBps: invoice.vatRateBps,
    rateCountry: invoice.vatRateCountry,
    mention: invoice.vatMention,
    rateDay: invoice.vatRateDay ?? '',
    vatNumberStatus: invoice.vatNumberStatus,
    decidedAt: invoice.vatDecidedAt,
  };
}

/** Whether the VAT the provider charged is the VAT our document states (one rounding rule: vat-amount.ts). */
export function chargedVatMatches(issued: Pick<Invoice, 'vatRateBps' | 'taxAmount'>, lineAmounts: number[]): boolean {
  return statedVatMatchesCharged([{ rateBps: issued.vatRateBps, lineAmounts }], issued.taxAmount);
}

/**
 * Whether the documents issued from one provider invoice (an invoice, and the credit note split from it)
 * state, each at its rate, the VAT the provider charged on that invoice, to the cent.
 */
export function statedVatMatchesCharged(
  documents: readonly { rateBps: number; lineAmounts: readonly number[] }[],
  chargedTax: number,
): boolean {
  return (
    documents.reduce((sum, document) => sum + documentVat(document.lineAmounts, document.rateBps), 0) === chargedTax
  );
}

/** Whether two VAT statements are the same treatment at the same rate of the same country. */
function sameVat(a: Pick<StatedVat, 'treatment' | 'rateBps' | 'rateCountry'>, b: typeof a): boolean {
  return a.treatment === b.treatment && a.rateBps === b.rateBps && a.rateCountry === b.rateCountry;
}

/** The buyer as printed: its VAT number only where it matters (reverse charge), as art. 226 asks. */
export function buyerSnapshot(customer: Customer, reverseCharge: boolean) {
  return {
    legalName: customer.legalName,
    addressLine1: customer.addressLine1,
    addressLine2: customer.addressLine2,
    postalCode: customer.postalCode,
    city: customer.city,
    region: customer.region,
    country: customer.country,
    vatNumber: reverseCharge ? customer.vatNumber : null,
    // A buyer with a VAT number is a business: its invoices carry the French B2B payment mentions.
    business: customer.vatNumber !== null,
  };
}
