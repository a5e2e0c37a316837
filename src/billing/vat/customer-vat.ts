import type { Customer } from '../customers/customer.ts';
import { calendarDate } from '../calendar-date.ts';
import type { VatRateTable } from './eu-vat-rates.ts';
import type { SupplyVatDecision, VatNumberCheck } from './supply-vat-decision.ts';
import type { VatNumberStatus, VatNumberVerifier } from './vat-number-check.ts';
import { decideVat } from './vat-treatment.ts';

/** Where each check's outcome is kept, so the profile shows it. */
export type VatNumberCheckLog = (customerId: string, status: VatNumberCheck, at: Date) => Promise<void>;

const CHECK_OF: Record<VatNumberStatus, VatNumberCheck> = {
  valid: 'VERIFIED',
  'format-valid': 'FORMAT_VALID',
  unverified: 'UNVERIFIED',
  invalid: 'INVALID',
};

export interface CustomerVatOptions {
  sellerCountry: string;
  /** The seller's time zone: the day whose rate applies is the supply's day there, as the invoice date is. */
  timeZone: string;
  vatNumbers: VatNumberVerifier;
  log: VatNumberCheckLog;
  rates?: VatRateTable;
}

/**
 * The VAT of a customer's supply at an instant, from the seller's country and the customer's country and
 * VAT number (checked anew every time: an unverified number is re-checked before each invoice).
 */
export class CustomerVat {
  constructor(private readonly options: CustomerVatOptions) {}

  async decide(customer: Pick<Customer, 'id' | 'country' | 'vatNumber'>, at: Date): Promise<SupplyVatDecision> {
    const status = customer.vatNumber ? await this.options.vatNumbers.verify(customer.vatNumber) : 'absent';
    const vatNumberStatus = status === 'absent' ? 'NOT_CHECKED' : CHECK_OF[status];
    await this.options.log(customer.id, vatNumberStatus, at);
    const rateDay = calendarDate(at, this.options.timeZone);
    const decision = decideVat({
      sellerCountry: this.options.sellerCountry,
      buyerCountry: customer.country,
      buyerVatNumber: customer.vatNumber,
      vatNumberStatus: status,
      supplyDay: rateDay,
      ...(this.options.rates ? { rates: this.options.rates } : {}),
    });
    return { ...decision, rateDay, vatNumberStatus };
  }
}
