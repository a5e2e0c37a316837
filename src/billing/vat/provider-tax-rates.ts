// Makes the provider charge the VAT our invoice will state: one exclusive provider tax rate per
// (country, rate), applied to the subscription, so the provider's amount due equals our invoice total.
import type { CustomerRecord } from '../../db/prisma-types.ts';
import type { PaymentProvider } from '../../payments/payment-provider.ts';
import type { CustomerVat } from './customer-vat.ts';

export class ProviderTaxRates {
  constructor(
    private readonly provider: PaymentProvider,
    private readonly vat: CustomerVat,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The provider tax rates for this customer's next invoice: none when no VAT is charged. */
  async forCustomer(customer: CustomerRecord): Promise<string[]> {
    const vat = await this.vat.decide(customer, this.now());
    if (vat.rateBps === 0 || !vat.rateCountry) return [];
    const key = `tax-rate:${vat.rateCountry}:${vat.rateBps}`;
    return [await this.provider.ensureTaxRate(vat.rateCountry, vat.rateBps, key)];
  }
}
