import type { CustomerRecord } from '../../db/prisma-types.ts';
import type { VatNumberVerifier } from './vat-number-check.ts';
import { decideVat, type VatDecision } from './vat-treatment.ts';

/**
 * The VAT of a customer's invoice on a supply date, from the seller's country and the customer's country
 * and VAT number: one decision for what the provider charges and what our invoice states.
 */
export class CustomerVat {
  constructor(
    private readonly sellerCountry: string,
    private readonly vatNumbers: VatNumberVerifier,
  ) {}

  async decide(customer: Pick<CustomerRecord, 'country' | 'vatNumber'>, supplyDate: Date): Promise<VatDecision> {
    return decideVat({
      sellerCountry: this.sellerCountry,
      buyerCountry: customer.country,
      buyerVatNumber: customer.vatNumber,
      vatNumberStatus: customer.vatNumber ? await this.vatNumbers.verify(customer.vatNumber) : 'absent',
      supplyDate,
    });
  }
}
