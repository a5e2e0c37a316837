import { CustomerVat } from '../../src/billing/vat/customer-vat';
import {
  decideVat,
  OUT_OF_SCOPE_MENTION,
  REVERSE_CHARGE_MENTION,
  VatRateUnknownError,
  type VatSituation,
} from '../../src/billing/vat/vat-treatment';

const supplyDay = '2026-11-24';
const fromFrance = (buyer: Partial<VatSituation>): VatSituation => ({
  sellerCountry: 'FR',
  buyerCountry: null,
  buyerVatNumber: null,
  vatNumberStatus: 'absent',
  supplyDay,
  ...buyer,
});

describe('deciding the VAT of an invoice from a French seller', () => {
  it('charges French VAT to a consumer in France', () => {
    expect(decideVat(fromFrance({ buyerCountry: 'FR' }))).toEqual({
      treatment: 'STANDARD',
      rateBps: 2000,
      rateCountry: 'FR',
      mention: null,
    });
  });

  it('charges French VAT to a business in France, even with a valid VAT number', () => {
    expect(
      decideVat(fromFrance({ buyerCountry: 'FR', buyerVatNumber: 'FR40303265045', vatNumberStatus: 'valid' })),
    ).toEqual({
      treatment: 'STANDARD',
      rateBps: 2000,
      rateCountry: 'FR',
      mention: null,
    });
  });

  it('charges German VAT to a consumer in Germany (One-Stop Shop)', () => {
    expect(decideVat(fromFrance({ buyerCountry: 'DE' }))).toEqual({
      treatment: 'STANDARD',
      rateBps: 1900,
      rateCountry: 'DE',
      mention: null,
    });
  });

  it('charges no VAT to a business in Germany with a valid VAT number: reverse charge (autoliquidation), citing art. 196', () => {
    const decision = decideVat(
      fromFrance({ buyerCountry: 'DE', buyerVatNumber: 'DE136695976', vatNumberStatus: 'valid' }),
    );
    expect(decision).toEqual({
      treatment: 'REVERSE_CHARGE',
      rateBps: 0,
      rateCountry: null,
      mention: REVERSE_CHARGE_MENTION,
    });
    expect(decision.mention).toMatch(/^Autoliquidation : TVA due par le preneur.*Reverse charge: /);
    expect(decision.mention).toContain('Article 196 of Directive 2006/112/EC');
  });

  it('reverse-charges a well-formed number when the operator turned registry checks off, and only then', () => {
    const business = { buyerCountry: 'DE', buyerVatNumber: 'DE136695976' } as const;
    expect(decideVat(fromFrance({ ...business, vatNumberStatus: 'format-valid' })).treatment).toBe('REVERSE_CHARGE');
    expect(decideVat(fromFrance({ ...business, vatNumberStatus: 'unverified' })).treatment).toBe('STANDARD');
  });

  it('charges German VAT to a business in Germany whose VAT number is invalid', () => {
    expect(
      decideVat(fromFrance({ buyerCountry: 'DE', buyerVatNumber: 'DE123456789', vatNumberStatus: 'invalid' })),
    ).toEqual({
      treatment: 'STANDARD',
      rateBps: 1900,
      rateCountry: 'DE',
      mention: null,
    });
  });

  it('charges German VAT when the VAT number could not be verified: it never zero-rates', () => {
    expect(
      decideVat(fromFrance({ buyerCountry: 'DE', buyerVatNumber: 'DE136695976', vatNumberStatus: 'unverified' })),
    ).toMatchObject({
      treatment: 'STANDARD',
      rateBps: 1900,
      rateCountry: 'DE',
    });
  });

  it('charges German VAT when a valid VAT number was issued by another member state', () => {
    expect(
      decideVat(fromFrance({ buyerCountry: 'DE', buyerVatNumber: 'ATU13585627', vatNumberStatus: 'valid' })),
    ).toMatchObject({
      treatment: 'STANDARD',
      rateCountry: 'DE',
    });
  });

  it('reverse-charges a Greek business, whose VAT numbers start with EL', () => {
    expect(
      decideVat(fromFrance({ buyerCountry: 'GR', buyerVatNumber: 'EL094259216', vatNumberStatus: 'valid' })),
    ).toMatchObject({
      treatment: 'REVERSE_CHARGE',
    });
  });

  it('charges no VAT to a consumer in the United States, with the out-of-scope mention', () => {
    expect(decideVat(fromFrance({ buyerCountry: 'US' }))).toEqual({
      treatment: 'OUT_OF_SCOPE',
      rateBps: 0,
      rateCountry: null,
      mention: OUT_OF_SCOPE_MENTION,
    });
  });

  it('charges no VAT to a business outside the EU, whatever its tax number', () => {
    expect(
      decideVat(fromFrance({ buyerCountry: 'CH', buyerVatNumber: 'CHE123456788', vatNumberStatus: 'valid' })),
    ).toEqual({
      treatment: 'OUT_OF_SCOPE',
      rateBps: 0,
      rateCountry: null,
      mention: OUT_OF_SCOPE_MENTION,
    });
    expect(
      decideVat(fromFrance({ buyerCountry: 'GB', buyerVatNumber: 'GB925901618', vatNumberStatus: 'valid' })).treatment,
    ).toBe('OUT_OF_SCOPE');
  });

  it('charges French VAT to a buyer who gave no country', () => {
    expect(decideVat(fromFrance({ buyerCountry: null }))).toMatchObject({
      treatment: 'STANDARD',
      rateBps: 2000,
      rateCountry: 'FR',
    });
  });

  it('charges French VAT to a consumer in Monaco, which VAT treats as France', () => {
    expect(decideVat(fromFrance({ buyerCountry: 'MC' }))).toMatchObject({
      treatment: 'STANDARD',
      rateBps: 2000,
      rateCountry: 'FR',
    });
  });

  it('uses the destination rate in force on the supply date', () => {
    const estonian = (date: string) => decideVat(fromFrance({ buyerCountry: 'EE', supplyDay: date })).rateBps;
    expect(estonian('2025-06-30')).toBe(2200);
    expect(estonian('2025-07-01')).toBe(2400);
  });

  it('refuses to guess a rate the table does not know', () => {
    expect(() => decideVat(fromFrance({ buyerCountry: 'DE', supplyDay: '2019-06-01' }))).toThrow(VatRateUnknownError);
  });

  it('refuses a seller outside the EU, for whom these rules do not apply', () => {
    expect(() => decideVat(fromFrance({ sellerCountry: 'US', buyerCountry: 'DE' }))).toThrow(/not an EU member state/);
  });
});

describe('the VAT of a customer’s supply at an instant', () => {
  const checks: string[] = [];
  const vat = new CustomerVat({
    sellerCountry: 'FR',
    timeZone: 'Europe/Paris',
    vatNumbers: { verify: async () => 'unverified' },
    log: async (_customer, status) => void checks.push(status),
  });

  it('takes the rate of the seller’s calendar day, the day its invoice is dated', async () => {
    // 22:30 UTC on 30 June 2025 is already 1 July in Paris, when Estonia's 24 % applies.
    const decision = await vat.decide({ id: 'c1', country: 'EE', vatNumber: null }, new Date('2025-06-30T22:30:00Z'));
    expect(decision).toMatchObject({ rateBps: 2400, rateDay: '2025-07-01', vatNumberStatus: 'NOT_CHECKED' });
  });

  it('charges a business whose number the registry could not check as a consumer, and records it as UNVERIFIED', async () => {
    const decision = await vat.decide(
      { id: 'c2', country: 'DE', vatNumber: 'DE136695976' },
      new Date('2026-11-27T10:00:00Z'),
    );
    expect(decision).toMatchObject({
      treatment: 'STANDARD',
      rateBps: 1900,
      rateCountry: 'DE',
      vatNumberStatus: 'UNVERIFIED',
    });
    expect(checks.at(-1)).toBe('UNVERIFIED');
  });
});
