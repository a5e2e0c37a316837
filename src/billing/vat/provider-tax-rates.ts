// Makes the provider charge the VAT our invoice will state: one exclusive provider tax rate per
// (country, rate), applied with the decision's tag, so the provider's amount due equals our invoice total.
import type { Customer } from '../customers/customer.ts';
import type { PaymentProvider } from '../ports/payment-provider.ts';
import type { CustomerVat } from './customer-vat.ts';
import { vatDecisionTag, type SupplyVatDecision } from './supply-vat-decision.ts';

export interface ProviderVat {
  decision: SupplyVatDecision;
  /** Carried by the provider's object beside its tax rates (metadata). */
  tag: string;
  /** None when no VAT is charged. */
  taxRateIds: string[];
}

export class ProviderTaxRates {
  constructor(
    private readonly provider: PaymentProvider,
    private readonly vat: CustomerVat,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Decides the VAT of the customer's supply now. */
  async forCustomer(customer: Customer): Promise<ProviderVat> {
    return this.forDecision(await this.decide(customer));
  }

  /** The VAT of a supply at `at` (now unless given), without touching the provider. */
  decide(customer: Customer, at: Date = this.now()): Promise<SupplyVatDecision> {
    return this.vat.decide(customer, at);
  }

  async forDecision(decision: SupplyVatDecision): Promise<ProviderVat> {
    const tag = vatDecisionTag(decision);
    if (decision.rateBps === 0 || !decision.rateCountry) return { decision, tag, taxRateIds: [] };
    const key = `tax-rate:${decision.rateCountry}:${decision.rateBps}`;
    return {
      decision,
      tag,
      taxRateIds: [await this.provider.ensureTaxRate(decision.rateCountry, decision.rateBps, key)],
    };
  }
}
