// The one VAT decision of a supply, as recorded on our invoice row and as carried by the provider's
// objects (metadata `vat_decision`) next to the tax rates it chose, so an invoice the provider drafts and
// finalizes on its own is issued with exactly the decision its tax was charged by. The tag holds no
// personal data: treatment, rate, the rate's member state, the day and the VAT number's check status.
import type { VatNumberCheck } from '../customers/customer.ts';
import { OUT_OF_SCOPE_MENTION, REVERSE_CHARGE_MENTION, type VatDecision, type VatTreatment } from './vat-treatment.ts';

export type { VatNumberCheck };

export interface SupplyVatDecision extends VatDecision {
  /** The calendar day (seller's time zone) whose rate applies. */
  rateDay: string;
  vatNumberStatus: VatNumberCheck;
}

const TREATMENTS: readonly VatTreatment[] = ['STANDARD', 'REVERSE_CHARGE', 'OUT_OF_SCOPE'];
const CHECKS: readonly VatNumberCheck[] = ['VERIFIED', 'FORMAT_VALID', 'UNVERIFIED', 'INVALID', 'NOT_CHECKED'];

/** `v1:STANDARD:DE:1900:2026-11-27:UNVERIFIED`. */
export function vatDecisionTag(decision: SupplyVatDecision): string {
  return [
    'v1',
    decision.treatment,
    decision.rateCountry ?? '',
    decision.rateBps,
    decision.rateDay,
    decision.vatNumberStatus,
  ].join(':');
}

/** The decision a tag carries; null for anything that is not a tag this service wrote. */
export function parseVatDecisionTag(tag: string | null | undefined): SupplyVatDecision | null {
  const parts = tag?.split(':');
  if (!parts || parts.length !== 6 || parts[0] !== 'v1') return null;
  const [, treatment, country, rate, rateDay, status] = parts as [string, string, string, string, string, string];
  const rateBps = Number(rate);
  if (!TREATMENTS.includes(treatment as VatTreatment) || !CHECKS.includes(status as VatNumberCheck)) return null;
  if (!Number.isInteger(rateBps) || rateBps < 0 || !/^\d{4}-\d{2}-\d{2}$/.test(rateDay)) return null;
  const standard = treatment === 'STANDARD';
  if (standard !== /^[A-Z]{2}$/.test(country) || (!standard && rateBps !== 0)) return null;
  return {
    treatment: treatment as VatTreatment,
    rateBps,
    rateCountry: standard ? country : null,
    mention:
      treatment === 'REVERSE_CHARGE'
        ? REVERSE_CHARGE_MENTION
        : treatment === 'OUT_OF_SCOPE'
          ? OUT_OF_SCOPE_MENTION
          : null,
    rateDay,
    vatNumberStatus: status as VatNumberCheck,
  };
}
