import { chargedVatMatches } from '../../src/billing/invoices/invoice-issuer';

describe('checking the VAT the provider charged against the invoice', () => {
  it('accepts tax rounded per line, as the provider computes it', () => {
    // 20 % of 333 is 66.6 -> 67 per line: 134, where 20 % of the 666 total would give 133.
    expect(chargedVatMatches({ vatRateBps: 2000, taxAmount: 134 }, [333, 333])).toBe(true);
    expect(chargedVatMatches({ vatRateBps: 0, taxAmount: 0 }, [800])).toBe(true);
  });

  it('flags an invoice whose charged VAT is not its rate', () => {
    expect(chargedVatMatches({ vatRateBps: 0, taxAmount: 160 }, [800])).toBe(false);
    expect(chargedVatMatches({ vatRateBps: 1900, taxAmount: 160 }, [800])).toBe(false);
  });
});
