import { statedVatMatchesCharged } from '../../src/billing/invoices/invoice-issuer';

describe('checking the VAT the provider charged against the documents issued from its invoice', () => {
  it('accepts tax rounded per line, as the provider computes it', () => {
    // 20 % of 333 is 66.6 -> 67 per line: 134, where 20 % of the 666 total would give 133.
    expect(statedVatMatchesCharged([{ rateBps: 2000, lineAmounts: [333, 333] }], 134)).toBe(true);
    expect(statedVatMatchesCharged([{ rateBps: 0, lineAmounts: [800] }], 0)).toBe(true);
  });

  it('flags an invoice whose charged VAT is not its rate', () => {
    expect(statedVatMatchesCharged([{ rateBps: 0, lineAmounts: [800] }], 160)).toBe(false);
    expect(statedVatMatchesCharged([{ rateBps: 1900, lineAmounts: [800] }], 160)).toBe(false);
  });

  it('adds up a credit note at the corrected invoice’s rate and an invoice at the new supply’s', () => {
    // Unused time credited at 20 % (−64.00) and the new month charged at 19 % (1.52): the provider's −62.48.
    const documents = [
      { rateBps: 2000, lineAmounts: [-32000] },
      { rateBps: 1900, lineAmounts: [800] },
    ];
    expect(statedVatMatchesCharged(documents, -6248)).toBe(true);
    expect(statedVatMatchesCharged(documents, -6240)).toBe(false);
  });
});
