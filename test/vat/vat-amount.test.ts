import { documentVat, lineVat } from '../../src/billing/vat/vat-amount';
import { parseVatDecisionTag, vatDecisionTag } from '../../src/billing/vat/supply-vat-decision';
import { REVERSE_CHARGE_MENTION } from '../../src/billing/vat/vat-treatment';

describe('the one VAT rounding rule', () => {
  it('rounds each line half away from zero, on credits as on charges', () => {
    expect(lineVat(250, 2000)).toBe(50);
    expect(lineVat(1495, 2550)).toBe(381); // 381.225
    expect(lineVat(2, 2500)).toBe(1); // 0.5 → 1
    expect(lineVat(-2, 2500)).toBe(-1); // -0.5 → -1, never -0
    expect(lineVat(-1600, 1900)).toBe(-304);
  });

  it('makes a document’s VAT the sum of its lines’ VAT, so every printed line adds up', () => {
    // A Finnish proration: 7.47 and 7.48 at 25.5 % are 1.90 and 1.91; the document states their sum.
    expect(documentVat([747, 748], 2550)).toBe(lineVat(747, 2550) + lineVat(748, 2550));
    expect(documentVat([747, 748], 2550)).toBe(381);
  });
});

describe('the VAT decision tag the provider carries', () => {
  it('round-trips a decision, without personal data', () => {
    const decision = {
      treatment: 'STANDARD' as const,
      rateBps: 1900,
      rateCountry: 'DE',
      mention: null,
      rateDay: '2026-11-27',
      vatNumberStatus: 'UNVERIFIED' as const,
    };
    expect(vatDecisionTag(decision)).toBe('v1:STANDARD:DE:1900:2026-11-27:UNVERIFIED');
    expect(parseVatDecisionTag(vatDecisionTag(decision))).toEqual(decision);
    expect(parseVatDecisionTag('v1:REVERSE_CHARGE::0:2026-11-27:VERIFIED')).toMatchObject({
      mention: REVERSE_CHARGE_MENTION,
      rateCountry: null,
    });
  });

  it('reads nothing it did not write', () => {
    for (const tag of [
      null,
      '',
      'v2:STANDARD:DE:1900:2026-11-27:VERIFIED',
      'v1:STANDARD::1900:2026-11-27:VERIFIED',
      'v1:REVERSE_CHARGE::2000:2026-11-27:VERIFIED',
      'v1:STANDARD:DE:19.5:2026-11-27:VERIFIED',
    ]) {
      expect(parseVatDecisionTag(tag)).toBeNull();
    }
  });
});
