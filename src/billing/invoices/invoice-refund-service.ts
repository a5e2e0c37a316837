// Admins give money back on a paid invoice: the provider refunds the charge, then the credit note records
// it. Under the customer's lock with a durable intent (its id is the refund's idempotency key), so of two
// clicks the second sees what the first refunded; and the admin states what he saw refunded already, so
// that second click (or a retry, or another admin's refund) is a conflict, not a second partial refund
// that would still have fitted in what remains. The refund and the note are not one transaction: when
// the note fails after the provider refunded, the provider's refunds exceed our refund credit notes, and
// the next call for exactly that amount issues the note only (any other amount is refused until then).
import type { Invoice } from './invoice.ts';
import type { PaymentProvider } from '../ports/payment-provider.ts';
import { invalidInput, notFound } from '../errors.ts';
import type { BillingOperations } from '../operations/billing-operations.ts';
import { MAX_CREDIT_REASON_LENGTH, splitAtRate, type CreditNoteService } from './credit-note-service.ts';
import type { InvoiceRepository } from './invoice-repository.ts';

export type RefundOutcome =
  | { kind: 'refunded'; invoice: Invoice; creditNote: Invoice; amount: number }
  | { kind: 'not_paid'; invoice: Invoice }
  /** The invoice's refunds total `refunded`, not what the admin saw: refunded meanwhile, nothing done now. */
  | { kind: 'conflict'; invoice: Invoice; refunded: number }
  | { kind: 'exceeds_refundable'; invoice: Invoice; refundable: number }
  | { kind: 'unmatched_refund'; invoice: Invoice; unmatched: number };

export class InvoiceRefundService {
  constructor(
    private readonly invoices: InvoiceRepository,
    private readonly provider: PaymentProvider,
    private readonly creditNotes: CreditNoteService,
    private readonly operations: BillingOperations,
  ) {}

  /**
   * Refunds `amount` (all that remains refundable when null) of a paid invoice, with its credit note, if its
   * refunds so far total `expectedRefunded` (what the admin saw).
   */
  async refund(
    invoiceId: string,
    amount: number | null,
    reason: string,
    expectedRefunded: number,
  ): Promise<RefundOutcome> {
    if (amount !== null && (!Number.isSafeInteger(amount) || amount <= 0))
      throw invalidInput('`amount` must be a positive number of minor units', 'amount');
    if (!Number.isSafeInteger(expectedRefunded) || expectedRefunded < 0)
      throw invalidInput('`expectedRefunded` must be zero or a positive number of minor units', 'expectedRefunded');
    const why = reason.trim();
    if (!why || why.length > MAX_CREDIT_REASON_LENGTH)
      throw invalidInput(`\`reason\` must be 1 to ${MAX_CREDIT_REASON_LENGTH} characters`, 'reason');
    const found = await this.invoices.findById(invoiceId);
    if (!found || found.kind !== 'INVOICE') throw notFound('invoice');
    return this.operations.run(found.customerId, 'REFUND_INVOICE', async (operation) => {
      // Read again under the lock: a concurrent refund has finished by now.
      const invoice = (await this.invoices.findById(invoiceId)) ?? found;
      if (invoice.status !== 'PAID' || !invoice.issuedAt || !invoice.providerInvoiceId)
        return { kind: 'not_paid', invoice };
      const credited = await this.invoices.creditedOn(invoice.id);
      if (credited.byOperators !== expectedRefunded)
        return { kind: 'conflict', invoice, refunded: credited.byOperators };
      // Only money the provider took can go back: a part paid from the customer's credit balance (a
      // downgrade's credit) was never charged, and what earlier refunds returned is gone already.
      const refundable = Math.min(invoice.total - credited.all, invoice.amountPaid - credited.byOperators);
      const wanted = amount ?? refundable;
      if (wanted <= 0 || wanted > refundable)
        return { kind: 'exceeds_refundable', invoice, refundable: Math.max(refundable, 0) };
      // Checked before any money moves: the credit note must be issuable once the provider has refunded.
      if (wanted !== invoice.total && !splitAtRate(wanted, invoice.vatRateBps)) {
        throw invalidInput(
          `${wanted} cannot be split exactly into an amount and its VAT at this invoice's rate; refund one cent more or less`,
          'amount',
        );
      }
      const unmatched = (await this.provider.refundedAmountOfInvoice(invoice.providerInvoiceId)) - credited.byOperators;
      if (unmatched > 0 && unmatched !== wanted) return { kind: 'unmatched_refund', invoice, unmatched };
      if (unmatched <= 0) {
        await this.provider.refundInvoicePayment(
          invoice.providerInvoiceId,
          { amount: wanted, metadata: { invoice_id: invoice.id, operation_id: operation.id } },
          `refund:${operation.id}`,
        );
      }
      const creditNote = await this.creditNotes.issueCreditNote(invoice.id, wanted, why);
      return { kind: 'refunded', invoice, creditNote, amount: wanted };
    });
  }
}
