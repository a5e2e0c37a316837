// One VAT decision per supply, taken once and used twice (what the provider charges, what our document
// states). A renewal: the provider drafts the invoice (about an hour before finalizing it); we decide then,
// record the decision on our row and set the draft's tax rates with the decision's tag. An invoice a
// mutation creates and finalizes at once: the mutation decided before its call, and the subscription's tag
// came onto the invoice. Issuing reads the tag the provider charged by; it never decides again.
import type { Logger } from 'pino';
import type { Customer } from '../customers/customer.ts';
import type { Invoice } from './invoice.ts';
import { ProviderRequestError, type PaymentProvider, type ProviderInvoice } from '../ports/payment-provider.ts';
import type { ProviderTaxRates } from '../vat/provider-tax-rates.ts';
import { parseVatDecisionTag, type SupplyVatDecision } from '../vat/supply-vat-decision.ts';
import { InvoiceRepository } from './invoice-repository.ts';

export class InvoiceVatDecisions {
  constructor(
    private readonly invoices: InvoiceRepository,
    private readonly taxRates: ProviderTaxRates,
    private readonly provider: PaymentProvider,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** A draft: decided once (re-checking the VAT number), recorded, and made what the provider will charge. */
  async settleDraft(row: Invoice, customer: Customer, invoice: ProviderInvoice): Promise<void> {
    // The supply is the period the provider drafted the invoice for: its rate is that day's.
    const decision =
      InvoiceRepository.recordedVat(row) ??
      (await this.invoices.recordVat(
        row.id,
        await this.taxRates.decide(customer, invoice.createdAt),
        this.now(),
        true,
      ));
    const vat = await this.taxRates.forDecision(decision);
    if (invoice.vatDecision === vat.tag) return;
    try {
      await this.provider.setDraftInvoiceTaxRates(
        invoice.id,
        vat.taxRateIds,
        vat.tag,
        `invoice-vat:${invoice.id}:${vat.tag}`,
      );
    } catch (error) {
      // Finalized meanwhile: it was charged by the tag it carries, which its finalization will issue from.
      if (!(error instanceof ProviderRequestError)) throw error;
      this.logger.warn({ invoice: invoice.id }, 'the draft was finalized before its VAT decision reached the provider');
    }
  }

  /** A finalized invoice: the decision the provider charged by, recorded on our row for issuing. */
  async ofFinalized(row: Invoice, customer: Customer, invoice: ProviderInvoice): Promise<SupplyVatDecision> {
    const charged = parseVatDecisionTag(invoice.vatDecision);
    if (charged) return this.invoices.recordVat(row.id, charged, row.vatDecidedAt ?? this.now(), false);
    const recorded = InvoiceRepository.recordedVat(row);
    if (recorded) return recorded;
    // Created outside this service's mutations (or before tags existed): the tax charged may differ.
    this.logger.warn({ invoice: invoice.id }, 'a finalized invoice carries no VAT decision: deciding now');
    return this.invoices.recordVat(row.id, await this.taxRates.decide(customer), this.now(), true);
  }
}
