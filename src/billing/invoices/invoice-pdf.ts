// Renders a legal invoice to PDF with pdfkit's standard fonts (nothing to download or ship): every field
// art. 226 of Directive 2006/112/EC requires, laid out on A4, on as many pages as the lines need.
import PDFDocument from 'pdfkit';
import { formatMoney, formatVatRate, type InvoiceParty, type LegalInvoiceDocument } from './legal-invoice.ts';

const MARGIN = 50;
const PAGE_WIDTH = 595.28; // A4, in points
const CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN;
const COLUMNS = [
  { title: 'Description', width: 135, align: 'left' },
  { title: 'Period', width: 120, align: 'left' },
  { title: 'Qty', width: 30, align: 'right' },
  { title: 'Unit price excl. VAT', width: 70, align: 'right' },
  { title: 'Discount', width: 60, align: 'right' },
  { title: 'Amount excl. VAT', width: 80, align: 'right' },
] as const;
const STATUS_LABELS = { OPEN: 'Open (awaiting payment)', PAID: 'Paid', VOID: 'Void', UNCOLLECTIBLE: 'Uncollectible' };
const TREATMENT_LABELS = { STANDARD: 'standard rate', REVERSE_CHARGE: 'reverse charge', OUT_OF_SCOPE: 'out of scope' };

export async function renderInvoicePdf(invoice: LegalInvoiceDocument): Promise<Buffer> {
  assertPrintable(invoice);
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    // A fixed creation date makes a re-render of the same invoice byte-for-byte comparable.
    info: { Title: `Invoice ${invoice.number}`, CreationDate: new Date(`${invoice.issueDate}T00:00:00Z`) },
  });
  const done = collect(doc);
  const text = (value: string, x: number, y?: number, options: PDFKit.Mixins.TextOptions = {}) =>
    doc.text(printable(value), x, y, options);

  doc.font('Helvetica-Bold').fontSize(20);
  text('INVOICE', MARGIN, MARGIN);
  doc.font('Helvetica').fontSize(10);
  const status = invoice.status === 'PAID' && invoice.paidDate ? `Paid on ${invoice.paidDate}` : STATUS_LABELS[invoice.status];
  const heading = [`Invoice number: ${invoice.number}`, `Issue date: ${invoice.issueDate}`, `Status: ${status}`];
  text(heading.join('\n'), MARGIN + CONTENT_WIDTH / 2, MARGIN, { width: CONTENT_WIDTH / 2, align: 'right' });

  const partiesTop = MARGIN + 70;
  party(doc, 'Seller', invoice.seller, MARGIN, partiesTop);
  const sellerBottom = doc.y;
  party(doc, 'Buyer', invoice.buyer, MARGIN + CONTENT_WIDTH / 2, partiesTop);
  doc.y = Math.max(sellerBottom, doc.y) + 25;

  lineTable(doc, invoice);
  summary(doc, invoice);
  doc.end();
  return done;
}

/** Refuses what would not be a legal invoice, rather than printing it. */
function assertPrintable(invoice: LegalInvoiceDocument): void {
  if (invoice.vat.treatment === 'REVERSE_CHARGE' && !invoice.buyer.vatNumber) {
    throw new Error(`invoice ${invoice.number}: a reverse-charge invoice must name the buyer's VAT number`);
  }
  if (invoice.vat.treatment !== 'STANDARD' && !invoice.vat.mention) {
    throw new Error(`invoice ${invoice.number}: an invoice without VAT must carry its legal mention`);
  }
  if (invoice.status === 'PAID' && !invoice.paidDate) throw new Error(`invoice ${invoice.number}: a paid invoice needs its paid date`);
}

function party(doc: PDFKit.PDFDocument, title: string, who: InvoiceParty, x: number, y: number): void {
  const { address } = who;
  const country = address.country ? (new Intl.DisplayNames('en', { type: 'region' }).of(address.country) ?? address.country) : null;
  const lines = [
    who.legalName,
    address.line1,
    address.line2,
    [address.postalCode, address.city].filter(Boolean).join(' '),
    address.region,
    country,
    who.vatNumber ? `VAT number: ${who.vatNumber}` : null,
  ].filter((line): line is string => Boolean(line));
  const width = CONTENT_WIDTH / 2 - 10;
  doc.font('Helvetica-Bold').fontSize(11).text(title, x, y, { width });
  doc.font('Helvetica').fontSize(10).text(printable(lines.join('\n')), x, doc.y + 2, { width });
}

function lineTable(doc: PDFKit.PDFDocument, invoice: LegalInvoiceDocument): void {
  const money = (amount: number) => formatMoney(amount, invoice.currency);
  const row = (cells: readonly string[], bold: boolean) => {
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(9);
    const height = Math.max(...cells.map((cell, i) => doc.heightOfString(printable(cell), { width: COLUMNS[i]!.width - 6 })));
    if (doc.y + height > doc.page.height - MARGIN - 20) {
      doc.addPage();
      if (!bold) row(COLUMNS.map((column) => column.title), true);
    }
    const top = doc.y;
    let x = MARGIN;
    cells.forEach((cell, i) => {
      const column = COLUMNS[i]!;
      doc.text(printable(cell), x, top, { width: column.width - 6, align: column.align });
      x += column.width;
    });
    doc.y = top + height + 6;
    doc.x = MARGIN;
  };
  row(COLUMNS.map((column) => column.title), true);
  for (const line of invoice.lines) {
    const period = line.periodStart && line.periodEnd ? `${line.periodStart} – ${line.periodEnd}` : '';
    const discount = line.discountAmount ? money(-line.discountAmount) : money(0);
    row([line.description, period, String(line.quantity), money(line.unitAmount), discount, money(line.amount)], false);
  }
}

function summary(doc: PDFKit.PDFDocument, invoice: LegalInvoiceDocument): void {
  const money = (amount: number) => formatMoney(amount, invoice.currency);
  if (doc.y > doc.page.height - MARGIN - 220) doc.addPage();
  const labelX = MARGIN + CONTENT_WIDTH - 300;
  const entry = (label: string, value: string, bold = false) => {
    const top = doc.y + 3;
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(10);
    doc.text(printable(label), labelX, top, { width: 190 });
    doc.text(value, labelX + 190, top, { width: 110, align: 'right' });
  };
  doc.y += 10;
  const rate = `${formatVatRate(invoice.vat.rateBps)} (${TREATMENT_LABELS[invoice.vat.treatment]})`;
  entry(`Taxable amount at ${rate}`, money(invoice.taxableAmount));
  entry(`VAT rate`, formatVatRate(invoice.vat.rateBps));
  entry(`VAT amount`, money(invoice.vatAmount));
  entry('Total including VAT', money(invoice.total), true);
  doc.font('Helvetica').fontSize(9);
  doc.text(`All amounts are in ${invoice.currency}.`, MARGIN, doc.y + 12, { width: CONTENT_WIDTH });
  if (invoice.vat.mention) {
    doc.font('Helvetica-Bold').fontSize(10).text(printable(invoice.vat.mention), MARGIN, doc.y + 12, { width: CONTENT_WIDTH });
  }
}

function collect(doc: PDFKit.PDFDocument): Promise<Buffer> {
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
}

// The standard fonts only encode Windows-1252: other letters would print as garbage. They lose their
// accents (ł → l, ș → s) and what has no Latin form becomes '?'; a Unicode font would print them as given.
const WIN_ANSI_EXTRAS = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
const UNACCENTED: Record<string, string> = { Ł: 'L', ł: 'l', Đ: 'D', đ: 'd', ı: 'i', Ħ: 'H', ħ: 'h' };
const encodable = (char: string) => {
  const code = char.codePointAt(0)!;
  return code === 10 || (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRAS.has(char);
};

export function printable(value: string): string {
  return Array.from(value.normalize('NFC'), (char) => {
    if (encodable(char)) return char;
    const bare = char.normalize('NFD').replace(/\p{M}/gu, '');
    if (bare && Array.from(bare).every(encodable)) return bare;
    return UNACCENTED[char] ?? '?';
  }).join('');
}
