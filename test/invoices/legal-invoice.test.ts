import { calendarDate } from '../../src/billing/calendar-date';
import { formatMoney, formatVatRate } from '../../src/billing/invoices/legal-invoice';

describe('printing an amount on an invoice', () => {
  it.each([
    [800, 'EUR', '8.00 EUR'],
    [5, 'EUR', '0.05 EUR'],
    [0, 'EUR', '0.00 EUR'],
    [-200, 'EUR', '-2.00 EUR'],
    [123_456_789, 'EUR', '1,234,567.89 EUR'],
    [1500, 'JPY', '1,500 JPY'],
    [1234, 'BHD', '1.234 BHD'],
  ])('prints %i minor units of %s as %s', (amount, currency, printed) => {
    expect(formatMoney(amount, currency)).toBe(printed);
  });

  it('refuses a fractional amount: money is integer minor units', () => {
    expect(() => formatMoney(8.5, 'EUR')).toThrow(/integer number of minor units/);
  });
});

describe('printing a VAT rate', () => {
  it.each([
    [2000, '20%'],
    [2550, '25.5%'],
    [550, '5.5%'],
    [1000, '10%'],
    [0, '0%'],
  ])('prints %i basis points as %s', (rateBps, printed) => {
    expect(formatVatRate(rateBps)).toBe(printed);
  });
});

describe('the calendar date of an invoice', () => {
  it('is the day in the given time zone', () => {
    expect(calendarDate(new Date('2026-12-31T23:30:00Z'))).toBe('2026-12-31');
    expect(calendarDate(new Date('2026-12-31T23:30:00Z'), 'Europe/Paris')).toBe('2027-01-01');
  });
});
