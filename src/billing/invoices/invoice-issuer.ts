// Issues the legal document when the provider finalizes an invoice: number, date, VAT, seller and buyer
// snapshots, in one transaction with the number, so a failure gives the number back (no gap). The VAT is
// the supply's one recorded decision, never decided again here. A provider invoice that credits unused time
// (a plan change) is issued as separate documents, whatever its total's sign: each credit becomes a credit
// note, in its own series, correcting the invoice that billed that time at that invoice's VAT; the new
// supplies an invoice at the supply's decision. A document never mixes a credit and a new supply.
// The provider only ever knew an anonymous id: the identity printed comes from our database, frozen here.
import type { SellerIdentity } from './invoicing-settings.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import type { InvoiceLineRecord, InvoiceRecord, PrismaClient } from '../../db/prisma-types.ts';
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
   * Returns the documents this call issued from the provider's invoice (see `correctionsOf`);
   * none when it was issued already.
   */
  async issue(invoice: Invoice, customer: Customer, decision: SupplyVatDecision): Promise<Invoice[]> {
    if (invoice.issuedAt) return [];
    const issued = await this.deps.prisma.$transaction(async (tx) => {
      // The row lock makes concurrent issuers of one invoice queue up; the loser finds it issued.
      const [locked] = await tx.$queryRaw<{ issued_at: Date | null }[]>`
        SELECT issued_at FROM invoices WHERE id = ${invoice.id}::uuid FOR UPDATE`;
      if (!locked || locked.issued_at) return [];
      const lines = await tx.invoiceLine.findMany({ where: { invoiceId: invoice.id }, orderBy: { position: 'asc' } });
      const supplies = lines.filter((line) => line.amount >= 0);
      const corrections = await this.correctionsOf(
        tx,
        invoice,
        lines.filter((line) => line.amount < 0),
      );
      if (corrections.length === 0) return [await this.issueInvoice(tx, invoice.id, customer, decision)];
      // The provider's row stays the new supplies' invoice; with none, the first credit note.
      const [first, ...others] = corrections;
      const ownRow = supplies.length > 0 ? null : first!;
      const documents: Invoice[] = [];
      // Credit notes first, then the invoice: every issuer takes the two series' locks in that order.
      for (const correction of ownRow ? others : corrections) {
        const row = await this.moveLines(tx, invoice, correction.lines, correction.corrected.vatRateBps);
        documents.push(await this.issueCreditNote(tx, row, correction.corrected));
      }
      if (ownRow) {
        await this.keepLines(tx, invoice.id, ownRow.lines, ownRow.corrected.vatRateBps);
        documents.push(await this.issueCreditNote(tx, invoice.id, ownRow.corrected));
      } else {
        await this.keepLines(tx, invoice.id, supplies, decision.rateBps);
        documents.push(await this.issueInvoice(tx, invoice.id, customer, decision));
      }
      return documents;
    });
    for (const document of issued) await this.deps.documents.freeze(document.id);
    return issued;
  }

  /**
   * The provider's credits for unused time (its lines below zero) grouped by the issued invoice that billed
   * that time: the one the provider names (`creditsInvoice`), else the customer's latest issued invoice.
   * Each group becomes a credit note correcting that invoice at its VAT, the rate the provider credits the
   * time at, so a document never mixes a credit with a new supply, nor two VAT statements.
   */
  private async correctionsOf(
    tx: Prisma.TransactionClient,
    invoice: Invoice,
    credits: InvoiceLineRecord[],
  ): Promise<Correction[]> {
    const corrections = new Map<string, Correction>();
    for (const line of credits) {
      const named = line.creditsInvoice
        ? await tx.invoice.findFirst({
            where: { providerInvoiceId: line.creditsInvoice, kind: 'INVOICE', issuedAt: { not: null } },
          })
        : null;
      const corrected = named ?? (await this.latestIssuedRow(tx, invoice));
      const correction = corrections.get(corrected.id) ?? { corrected, lines: [] };
      correction.lines.push(line);
      corrections.set(corrected.id, correction);
    }
    return [...corrections.values()];
  }

  /** A new row (a credit note split from `invoice`) holding `lines`, its totals at `rateBps`. */
  private async moveLines(
    tx: Prisma.TransactionClient,
    invoice: Invoice,
    lines: InvoiceLineRecord[],
    rateBps: number,
  ): Promise<string> {
    const row = await tx.invoice.create({
      data: {
        customerId: invoice.customerId,
        splitFromId: invoice.id,
        // Listed with the document it comes from; what the provider collected or credited stays on that row.
        createdAt: invoice.createdAt,
        status: 'PAID',
        currency: invoice.currency,
        ...totalsOf(lines, rateBps),
        amountPaid: 0,
        amountDue: 0,
        periodStart: lines[0]?.periodStart ?? invoice.periodStart,
        periodEnd: lines[0]?.periodEnd ?? invoice.periodEnd,
      },
    });
    for (const [index, line] of lines.entries())
      await tx.invoiceLine.update({ where: { id: line.id }, data: { invoiceId: row.id, position: index + 1 } });
    return row.id;
  }

  /** The provider's row keeps `lines` (the others were moved away), renumbered, its totals at `rateBps`. */
  private async keepLines(
    tx: Prisma.TransactionClient,
    invoiceId: string,
    lines: InvoiceLineRecord[],
    rateBps: number,
  ): Promise<void> {
    // Positions are unique per document: moved lines left theirs, the kept ones close the gaps in order.
    for (const [index, line] of lines.entries())
      if (line.position !== index + 1)
        await tx.invoiceLine.update({ where: { id: line.id }, data: { position: index + 1 } });
    await tx.invoice.update({ where: { id: invoiceId }, data: totalsOf(lines, rateBps) });
  }

  private issueInvoice(
    tx: Prisma.TransactionClient,
    invoiceId: string,
    customer: Customer,
    decision: SupplyVatDecision,
  ) {
    return this.issueInTransaction(tx, invoiceId, decision, {
      buyerSnapshot: buyerSnapshot(customer, decision.treatment === 'REVERSE_CHARGE'),
      correctsInvoiceId: null,
    });
  }

  private issueCreditNote(tx: Prisma.TransactionClient, rowId: string, corrected: InvoiceRecord) {
    return this.issueInTransaction(tx, rowId, statedVatOf(corrected), {
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
   * The customer's latest issued invoice: what a credit corrects when the provider names no invoice. Its
   * row, so that the buyer snapshot is copied exactly as it was stored.
   */
  private async latestIssuedRow(tx: Prisma.TransactionClient, credit: Invoice): Promise<InvoiceRecord> {
    const corrected = await tx.invoice.findFirst({
      where: { customerId: credit.customerId, kind: 'INVOICE', issuedAt: { not: null }, id: { not: credit.id } },
      orderBy: [{ issuedAt: 'desc' }, { sequence: 'desc' }],
    });
    if (!corrected) throw new Error(`invoice ${credit.id} credits time but its customer has no issued invoice`);
    return corrected;
  }
}

/** Credits for unused time, and the issued invoice they correct. */
interface Correction {
  corrected: InvoiceRecord;
  lines: InvoiceLineRecord[];
}

/** A document's totals from its lines at its rate, by the one rounding rule (vat-amount.ts). */
function totalsOf(lines: readonly Pick<InvoiceLineRecord, 'amount'>[], rateBps: number) {
  const subtotal = lines.reduce((sum, line) => sum + line.amount, 0);
  const taxAmount = documentVat(
    lines.map((line) => line.amount),
    rateBps,
  );
  return { subtotal, taxAmount, total: subtotal + taxAmount };
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
    // A buyer with a VAT number is a business: its invoices carry the French B2B mentions.
    business: customer.vatNumber !== null,
    siren: frenchSiren(customer),
  };
}

/** A French VAT number is FR, a two-character key, then the company's SIREN (art. 242 nonies A CGI asks for it). */
function frenchSiren(customer: Customer): string | null {
  if (customer.country !== 'FR' || !customer.vatNumber) return null;
  return /^FR[0-9A-Z]{2}(\d{9})$/.exec(customer.vatNumber)?.[1] ?? null;
}
