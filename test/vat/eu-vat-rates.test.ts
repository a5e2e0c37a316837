import { EU_STANDARD_VAT_RATES, standardRate, vatMemberState } from '../../src/billing/vat/eu-vat-rates';

const day = (date: string) => date;

describe('the EU standard VAT rates', () => {
  describe('on 15 January 2026, in each member state', () => {
    it.each([
      ['AT', 2000],
      ['BE', 2100],
      ['BG', 2000],
      ['CY', 1900],
      ['CZ', 2100],
      ['DE', 1900],
      ['DK', 2500],
      ['EE', 2400],
      ['ES', 2100],
      ['FI', 2550],
      ['FR', 2000],
      ['GR', 2400],
      ['HR', 2500],
      ['HU', 2700],
      ['IE', 2300],
      ['IT', 2200],
      ['LT', 2100],
      ['LU', 1700],
      ['LV', 2100],
      ['MT', 1800],
      ['NL', 2100],
      ['PL', 2300],
      ['PT', 2300],
      ['RO', 2100],
      ['SE', 2500],
      ['SI', 2200],
      ['SK', 2300],
    ])('%s charges %i basis points', (country, rateBps) => {
      expect(standardRate(country, day('2026-01-15'))).toBe(rateBps);
    });
  });

  it('holds the 27 member states and no other country', () => {
    expect(Object.keys(EU_STANDARD_VAT_RATES)).toHaveLength(27);
    expect(standardRate('GB', day('2026-01-15'))).toBeNull();
    expect(standardRate('CH', day('2026-01-15'))).toBeNull();
    expect(standardRate('US', day('2026-01-15'))).toBeNull();
  });

  it('lists each country’s rates from the oldest to the newest, so the last one in force wins', () => {
    for (const periods of Object.values(EU_STANDARD_VAT_RATES)) {
      const dates = periods.map((period) => period.from);
      expect([...dates].sort()).toEqual(dates);
      expect(new Set(dates).size).toBe(dates.length);
    }
  });

  describe('uses the rate in force on the supply date', () => {
    it.each([
      ['EE', '2023-12-31', 2000, '2024-01-01', 2200],
      ['EE', '2025-06-30', 2200, '2025-07-01', 2400],
      ['FI', '2024-08-31', 2400, '2024-09-01', 2550],
      ['SK', '2024-12-31', 2000, '2025-01-01', 2300],
      ['RO', '2025-07-31', 1900, '2025-08-01', 2100],
      ['LU', '2022-12-31', 1700, '2023-01-01', 1600],
      ['LU', '2023-12-31', 1600, '2024-01-01', 1700],
      ['DE', '2020-06-30', 1900, '2020-07-01', 1600],
      ['DE', '2020-12-31', 1600, '2021-01-01', 1900],
      ['IE', '2020-08-31', 2300, '2020-09-01', 2100],
      ['IE', '2021-02-28', 2100, '2021-03-01', 2300],
    ])('%s: %s at %i bps, from %s at %i bps', (country, before, rateBefore, from, rateFrom) => {
      expect(standardRate(country, day(before))).toBe(rateBefore);
      expect(standardRate(country, day(from))).toBe(rateFrom);
    });

    it('takes a calendar day, never an instant, and knows no rate for a malformed one', () => {
      expect(standardRate('EE', '2025-07-01')).toBe(2400);
      expect(standardRate('EE', '2025-07-01T00:00:00Z')).toBeNull();
    });

    it('reads a rate table given in place of the EU one', () => {
      const table = {
        FR: [
          { from: '2020-01-01', rateBps: 2000 },
          { from: '2026-12-01', rateBps: 2100 },
        ],
      };
      expect(standardRate('FR', '2026-11-30', table)).toBe(2000);
      expect(standardRate('FR', '2026-12-01', table)).toBe(2100);
    });
  });

  it('knows no rate before the table starts, rather than guessing one', () => {
    expect(standardRate('FR', day('2019-12-31'))).toBeNull();
    expect(standardRate('FR', day('2020-01-01'))).toBe(2000);
  });

  it('accepts lower-case codes and taxes Monaco as France (art. 7 of the VAT directive)', () => {
    expect(standardRate('fr', day('2026-01-15'))).toBe(2000);
    expect(vatMemberState('MC')).toBe('FR');
    expect(standardRate('MC', day('2026-01-15'))).toBe(2000);
  });

  it('names Greece by its ISO code GR, not by its VAT prefix EL', () => {
    expect(standardRate('GR', day('2026-01-15'))).toBe(2400);
    expect(standardRate('EL', day('2026-01-15'))).toBeNull();
  });
});
