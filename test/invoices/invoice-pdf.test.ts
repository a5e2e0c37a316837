import { renderInvoicePdf } from '../../src/billing/invoices/invoice-pdf';
import type { LegalInvoiceDocument } from '../../src/billing/invoices/legal-invoice';
import { OUT_OF_SCOPE_MENTION, REVERSE_CHARGE_MENTION } from '../../src/billing/vat/vat-treatment';
import { pdfText } from './pdf-text';

const seller = {
  legalName: 'Bitflow SAS',
  address: {
    line1: '12 rue de la Paix',
    line2: 'Bâtiment B',
    postalCode: '75002',
    city: 'Paris',
    region: null,
    country: 'FR',
  },
  vatNumber: 'FR40303265045',
};

const reverseCharged: LegalInvoiceDocument = {
  kind: 'INVOICE',
  number: 'F2026-000042',
  corrects: null,
  reason: null,
  issueDate: '2026-11-24',
  currency: 'EUR',
  seller,
  sellerMentions: [],
  sellerSiren: null,
  buyerSiren: null,
  paymentTerms: null,
  businessTerms: null,
  buyer: {
    legalName: 'Muster GmbH',
    address: {
      line1: 'Hauptstraße 5',
      line2: null,
      postalCode: '10115',
      city: 'Berlin',
      region: 'Berlin',
      country: 'DE',
    },
    vatNumber: 'DE136695976',
  },
  lines: [
    {
      description: 'Pro, monthly',
      periodStart: '2026-11-01',
      periodEnd: '2026-11-30',
      quantity: 2,
      unitAmount: 1600,
      discountAmount: 200,
      amount: 3000,
      vatAmount: 0,
    },
    {
      description: 'Setup',
      periodStart: null,
      periodEnd: null,
      quantity: 1,
      unitAmount: 500,
      discountAmount: 0,
      amount: 500,
      vatAmount: 0,
    },
  ],
  vat: { treatment: 'REVERSE_CHARGE', rateBps: 0, mention: REVERSE_CHARGE_MENTION },
  taxableAmount: 3500,
  vatAmount: 0,
  total: 3500,
};

const domestic: LegalInvoiceDocument = {
  ...reverseCharged,
  number: 'F2026-000043',
  buyer: {
    legalName: 'Camille Martin',
    address: {
      line1: '3 place Bellecour',
      line2: null,
      postalCode: '69002',
      city: 'Lyon',
      region: null,
      country: 'FR',
    },
    vatNumber: null,
  },
  lines: [
    {
      description: 'Lite, monthly',
      periodStart: '2026-11-01',
      periodEnd: '2026-11-30',
      quantity: 1,
      unitAmount: 800,
      discountAmount: 0,
      amount: 800,
      vatAmount: 160,
    },
  ],
  vat: { treatment: 'STANDARD', rateBps: 2000, mention: null },
  taxableAmount: 800,
  vatAmount: 160,
  total: 960,
};

const oneLine = (text: string) => text.replace(/\s+/g, ' ');

describe('an invoice PDF', () => {
  describe('of a reverse-charged sale to a German business, paid', () => {
    let text: string;
    beforeAll(async () => {
      text = await pdfText(await renderInvoicePdf(reverseCharged));
    });

    it('prints its title, number and issue date', () => {
      expect(text).toContain('INVOICE');
      expect(text).toContain('Invoice number: F2026-000042');
      expect(text).toContain('Issue date: 2026-11-24');
    });

    it('prints the seller’s legal name, address and VAT number', () => {
      for (const field of [
        'Bitflow SAS',
        '12 rue de la Paix',
        'Bâtiment B',
        '75002 Paris',
        'France',
        'VAT number: FR40303265045',
      ]) {
        expect(text).toContain(field);
      }
    });

    it('prints the buyer’s legal name, address and VAT number', () => {
      for (const field of ['Muster GmbH', 'Hauptstraße 5', '10115 Berlin', 'Germany', 'VAT number: DE136695976']) {
        expect(text).toContain(field);
      }
    });

    it('prints each line’s description, period, quantity, unit price excluding VAT, discount and amount', () => {
      const rows = text.split('\n');
      const pro = rows.find((row) => row.includes('Pro, monthly')) ?? '';
      expect(oneLine(pro)).toContain('Pro, monthly 2026-11-01 – 2026-11-30 2 16.00 EUR -2.00 EUR 30.00 EUR 0.00 EUR');
      const setup = rows.find((row) => row.includes('Setup')) ?? '';
      expect(oneLine(setup)).toContain('Setup 1 5.00 EUR 0.00 EUR 5.00 EUR');
      for (const heading of ['Description', 'Period', 'Qty', 'Unit price', 'excl. VAT', 'Discount', 'Amount']) {
        expect(text).toContain(heading);
      }
    });

    it('prints the taxable amount per rate, the VAT rate, the VAT amount, the total and the currency', () => {
      const flat = oneLine(text);
      expect(flat).toContain('Taxable amount at 0% (reverse charge) 35.00 EUR');
      expect(flat).toContain('VAT rate 0%');
      expect(flat).toContain('VAT amount 0.00 EUR');
      expect(flat).toContain('Total including VAT 35.00 EUR');
      expect(flat).toContain('All amounts are in EUR.');
    });

    it('prints the reverse-charge mention with its article', () => {
      expect(oneLine(text)).toContain(REVERSE_CHARGE_MENTION);
    });
  });

  describe('of a sale to a French consumer, open', () => {
    let text: string;
    beforeAll(async () => {
      text = await pdfText(await renderInvoicePdf(domestic));
    });

    it('prints the VAT charged and the total including it', () => {
      const flat = oneLine(text);
      expect(flat).toContain('Taxable amount at 20% (standard rate) 8.00 EUR');
      expect(flat).toContain('VAT rate 20%');
      expect(flat).toContain('VAT amount 1.60 EUR');
      expect(flat).toContain('Total including VAT 9.60 EUR');
    });

    it('names a buyer without VAT number, and prints no mention', () => {
      expect(text).toContain('Camille Martin');
      expect(text.match(/VAT number:/g)).toHaveLength(1);
      expect(text).not.toContain('Reverse charge');
      expect(text).not.toContain('VAT not applicable');
    });
  });

  it('of a sale outside the EU prints the out-of-scope mention', async () => {
    const text = await pdfText(
      await renderInvoicePdf({
        ...domestic,
        buyer: {
          legalName: 'Jane Doe',
          address: {
            line1: '1 Main St',
            line2: null,
            postalCode: '10001',
            city: 'New York',
            region: 'NY',
            country: 'US',
          },
          vatNumber: null,
        },
        vat: { treatment: 'OUT_OF_SCOPE', rateBps: 0, mention: OUT_OF_SCOPE_MENTION },
        vatAmount: 0,
        total: 800,
      }),
    );
    expect(text).toContain('United States');
    expect(oneLine(text)).toContain(OUT_OF_SCOPE_MENTION);
    expect(oneLine(text)).toContain('Total including VAT 8.00 EUR');
  });

  it('prints no payment status: the document never changes once issued', async () => {
    expect(await pdfText(await renderInvoicePdf(domestic))).not.toMatch(/Status|Paid|Open/);
  });

  it('prints a credit note as such, with the invoice it corrects and why', async () => {
    const text = oneLine(
      await pdfText(
        await renderInvoicePdf({
          ...domestic,
          kind: 'CREDIT_NOTE',
          number: 'A2026-000001',
          corrects: { number: 'F2026-000043', issueDate: '2026-11-24' },
          reason: 'Refund of the unused month',
          lines: [{ ...domestic.lines[0]!, unitAmount: -800, amount: -800, vatAmount: -160 }],
          taxableAmount: -800,
          vatAmount: -160,
          total: -960,
        }),
      ),
    );
    expect(text).toContain('CREDIT NOTE');
    expect(text).toContain('Credit note number: A2026-000001');
    expect(text).toContain('Corrects invoice F2026-000043 of 2026-11-24');
    expect(text).toContain('Reason: Refund of the unused month');
    expect(text).toContain('Total including VAT -9.60 EUR');
    expect(text).not.toContain('INVOICE ');
  });

  it('continues the lines on further pages and prints every one of them, then the totals', async () => {
    const lines = Array.from({ length: 60 }, (_, i) => ({
      ...domestic.lines[0]!,
      description: `Storage add-on #${i + 1}`,
    }));
    const text = await pdfText(
      await renderInvoicePdf({ ...domestic, lines, taxableAmount: 48_000, vatAmount: 9_600, total: 57_600 }),
    );
    const pages = text.split('\f').filter((page) => page.trim());
    expect(pages.length).toBeGreaterThan(1);
    for (let i = 1; i <= 60; i++) expect(text).toContain(`Storage add-on #${i} `);
    expect(oneLine(pages.at(-1)!)).toContain('Total including VAT 576.00 EUR');
  });

  it('renders the same invoice to the same bytes', async () => {
    expect((await renderInvoicePdf(domestic)).equals(await renderInvoicePdf(domestic))).toBe(true);
  });

  describe('refuses to print an invoice that would not be legal', () => {
    it('a reverse charge without the buyer’s VAT number', async () => {
      await expect(
        renderInvoicePdf({ ...reverseCharged, buyer: { ...reverseCharged.buyer, vatNumber: null } }),
      ).rejects.toThrow(/must name the buyer's VAT number/);
    });

    it('no VAT without its legal mention', async () => {
      await expect(
        renderInvoicePdf({ ...reverseCharged, vat: { ...reverseCharged.vat, mention: null } }),
      ).rejects.toThrow(/legal mention/);
    });

    it('a credit note that names no invoice', async () => {
      await expect(renderInvoicePdf({ ...reverseCharged, kind: 'CREDIT_NOTE' })).rejects.toThrow(/invoice it corrects/);
    });
  });

  it('prints Greek, Cyrillic and every Latin letter as given, in an embedded Unicode font', async () => {
    const names = ['Łódź Spółka z o.o.', 'Αθήνα Εταιρεία Α.Ε.', 'ООО «Ромашка», София', 'Brașov Ærø Đakovo Žirmūnai'];
    const text = await pdfText(
      await renderInvoicePdf({ ...domestic, buyer: { ...domestic.buyer, legalName: names.join('\n') } }),
    );
    for (const name of names) expect(text).toContain(name);
  });

  it('prints the seller’s French company mentions and, between businesses, the payment terms and the €40 indemnity', async () => {
    const text = oneLine(
      await pdfText(
        await renderInvoicePdf({
          ...reverseCharged,
          sellerMentions: [
            'SAS with a share capital of 10,000 EUR',
            'SIREN 303265045 · SIRET 30326504500012',
            'RCS Paris 303 265 045',
          ],
          businessTerms: [
            'Payment terms: Payable on receipt.',
            'Late payment: penalties at three times the French legal interest rate.',
            'Fixed indemnity for recovery costs: 40 EUR.',
          ],
        }),
      ),
    );
    for (const mention of [
      'SAS with a share capital of 10,000 EUR',
      'SIREN 303265045 · SIRET 30326504500012',
      'RCS Paris 303 265 045',
      'Payment terms: Payable on receipt.',
      'three times the French legal interest rate',
      '40 EUR',
      'Autoliquidation',
    ]) {
      expect(text).toContain(mention);
    }
  });

  it('prints each line’s VAT, so each printed line satisfies rate × amount = VAT', async () => {
    const text = oneLine(await pdfText(await renderInvoicePdf(domestic)));
    expect(text).toContain('8.00 EUR 1.60 EUR');
  });
});
