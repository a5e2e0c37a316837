// Mirrors one provider invoice into ours under the invoice's lock, and issues it as our legal invoice
// once the provider has finalized it (see subscription-synchronizer.ts for why every sync re-reads).
import type { Logger } from 'pino';
import type { Customer } from '../customers/customer.ts';
import type { Invoice } from '../invoices/invoice.ts';
import type { PaymentProvider, ProviderInvoice } from '../ports/payment-provider.ts';
import { statedVatMatchesCharged, type InvoiceIssuer } from '../invoices/invoice-issuer.ts';
import type { DatabaseLocks } from '../../db/database-locks.ts';
import type { InvoiceLineDescriber } from '../invoices/invoice-line-description.ts';
import type { InvoiceVatDecisions } from '../invoices/invoice-vat-decisions.ts';
import type { CustomerRepository } from '../customers/customer-repository.ts';
import type { PaymentStateService } from './payment-state-service.ts';
import type { InvoiceRepository } from '../invoices/invoice-repository.ts';

export interface InvoiceSyncRepositories {
  customers: CustomerRepository;
  invoices: InvoiceRepository;
}

export class InvoiceSynchronizer {
  constructor(
    private readonly provider: PaymentProvider,
    private readonly repositories: InvoiceSyncRepositories,
    private readonly paymentState: PaymentStateService,
    private readonly issuer: InvoiceIssuer,
    private readonly vatDecisions: InvoiceVatDecisions,
    private readonly lineDescriptions: InvoiceLineDescriber,
    private readonly locks: DatabaseLocks,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  invoice(providerInvoiceId: string): Promise<boolean> {
    return this.locks.withLock(`invoice:${providerInvoiceId}`, async () => {
      const invoice = await this.provider.retrieveInvoice(providerInvoiceId);
      const customer = await this.repositories.customers.findByProviderCustomerId(invoice.customerId);
      if (!customer) return false;
      await this.writeInvoice(customer, invoice);
      await this.paymentState.refresh(customer.id);
      return true;
    });
  }

  /**
   * Mirrors the invoice. A draft gets its VAT decision (the provider then charges it); once the provider
   * has finalized it, it is issued from that decision as our legal invoice or credit note.
   */
  private async writeInvoice(customer: Customer, provided: ProviderInvoice): Promise<void> {
    const invoice = await this.lineDescriptions.describe(provided);
    const row = await this.repositories.invoices.upsertFromProvider(customer.id, invoice, this.now());
    if (row.issuedAt) return;
    if (invoice.status === 'DRAFT') return this.vatDecisions.settleDraft(row, customer, invoice);
    const issued = await this.issuer.issue(row, customer, await this.vatDecisions.ofFinalized(row, customer, invoice));
    if (issued.length > 0) await this.checkIssued(invoice, issued);
  }

  /**
   * The documents issued from one provider invoice state, together, the VAT and total it charged (or
   * credited), and no credit note credits more than its corrected invoice: a difference is a bug, logged.
   */
  private async checkIssued(invoice: ProviderInvoice, issued: Invoice[]): Promise<void> {
    const lines = await this.repositories.invoices.findLinesByInvoiceIds(issued.map((document) => document.id));
    const stated = issued.map((document) => ({
      rateBps: document.vatRateBps,
      lineAmounts: lines.filter((line) => line.invoiceId === document.id).map((line) => line.amount),
    }));
    const statedTotal = issued.reduce((sum, document) => sum + document.total, 0);
    const documents = issued.map(({ number, vatRateBps, taxAmount, total }) => ({
      number,
      vatRateBps,
      taxAmount,
      total,
    }));
    if (!statedVatMatchesCharged(stated, invoice.tax) || statedTotal !== invoice.total) {
      this.logger.error(
        { documents, chargedTax: invoice.tax, chargedTotal: invoice.total },
        'the VAT charged differs from the VAT stated',
      );
    }
    for (const note of issued) {
      if (!note.correctsInvoiceId) continue;
      const corrected = await this.repositories.invoices.findById(note.correctsInvoiceId);
      const credited = await this.repositories.invoices.creditedOn(note.correctsInvoiceId);
      if (corrected && credited.all > corrected.total)
        this.logger.error(
          { creditNote: note.number, corrects: corrected.number, total: corrected.total, credited: credited.all },
          'credit notes credit more than the invoice they correct',
        );
    }
  }

  /** An invoice the provider listed (the reconciliation's), written under its lock without a re-read. */
  applyInvoice(customer: Customer, invoice: ProviderInvoice): Promise<void> {
    return this.locks.withLock(`invoice:${invoice.id}`, () => this.writeInvoice(customer, invoice));
  }
}
