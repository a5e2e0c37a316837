// Renders a legal invoice or credit note to PDF: every field art. 226 of Directive 2006/112/EC requires,
// laid out on A4, on as many pages as the lines need, in Noto Sans (embedded from its npm package, so every
// European script prints as given). The document carries no payment status: it is rendered once at issue.
import { createRequire } from 'node:module';
import { formatMoney, formatVatRate, type InvoiceParty, type LegalInvoiceDocument } from './legal-invoice.ts';

const MARGIN = 50;
const PAGE_WIDTH = 595.28; // A4, in points
const CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN;
const COLUMNS = [
  { title: 'Description', width: 125, align: 'left' },
  { title: 'Period', width: 110, align: 'left' },
  { title: 'Qty', width: 25, align: 'right' },
  { title: 'Unit price excl. VAT', width: 65, align: 'right' },
  { title: 'Discount', width: 50, align: 'right' },
  { title: 'Amount excl. VAT', width: 60, align: 'right' },
  { title: 'VAT', width: 60, align: 'right' },
] as const;
const TREATMENT_LABELS = { STANDARD: 'standard rate', REVERSE_CHARGE: 'reverse charge', OUT_OF_SCOPE: 'out of scope' };
const TITLES = {
  INVOICE: { title: 'INVOICE', number: 'Invoice number' },
  CREDIT_NOTE: { title: 'CREDIT NOTE', number: 'Credit note number' },
};

const fontFile = (weight: string) =>
  createRequire(__filename).resolve(`@expo-google-fonts/noto-sans/${weight}/NotoSans_${weight}.ttf`);
const REGULAR = fontFile('400Regular');
const BOLD = fontFile('700Bold');

export async function renderInvoicePdf(invoice: LegalInvoiceDocument): Promise<Buffer> {
  assertPrintable(invoice);
  const titles = TITLES[invoice.kind];
  // Imported at the first render, not at start-up: pdfkit and its font stack cost a replica about 20 MB
  // of memory, for a document rendered once per invoice.
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    // A fixed creation date makes a re-render of the same document byte-for-byte comparable.
    info: {
      Title: `${titles.title === 'INVOICE' ? 'Invoice' : 'Credit note'} ${invoice.number}`,
      CreationDate: new Date(`${invoice.issueDate}T00:00:00Z`),
    },
  });
  doc.registerFont('Regular', REGULAR);
  doc.registerFont('Bold', BOLD);
  const done = collect(doc);

  doc.font('Bold').fontSize(20).text(titles.title, MARGIN, MARGIN);
  doc.font('Regular').fontSize(10);
  const heading = [`${titles.number}: ${invoice.number}`, `Issue date: ${invoice.issueDate}`];
  if (invoice.corrects) heading.push(`Corrects invoice ${invoice.corrects.number} of ${invoice.corrects.issueDate}`);
  doc.text(heading.join('\n'), MARGIN + CONTENT_WIDTH / 2, MARGIN, { width: CONTENT_WIDTH / 2, align: 'right' });

  const partiesTop = MARGIN + 70;
  party(doc, 'Seller', invoice.seller, MARGIN, partiesTop, invoice.sellerMentions);
  const sellerBottom = doc.y;
  party(doc, 'Buyer', invoice.buyer, MARGIN + CONTENT_WIDTH / 2, partiesTop);
  doc.y = Math.max(sellerBottom, doc.y) + 25;
  if (invoice.reason)
    doc
      .font('Regular')
      .fontSize(10)
      .text(`Reason: ${invoice.reason}`, MARGIN, doc.y - 10, { width: CONTENT_WIDTH })
      .moveDown(0.8);

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
  if (invoice.kind === 'CREDIT_NOTE' && !invoice.corrects)
    throw new Error(`credit note ${invoice.number}: it must name the invoice it corrects`);
}

function party(
  doc: PDFKit.PDFDocument,
  title: string,
  who: InvoiceParty,
  x: number,
  y: number,
  mentions: string[] = [],
): void {
  const { address } = who;
  const country = address.country
    ? (new Intl.DisplayNames('en', { type: 'region' }).of(address.country) ?? address.country)
    : null;
  const lines = [
    who.legalName,
    address.line1,
    address.line2,
    [address.postalCode, address.city].filter(Boolean).join(' '),
    address.region,
    country,
    who.vatNumber ? `VAT number: ${who.vatNumber}` : null,
    ...mentions,
  ].filter((line): line is string => Boolean(line));
  const width = CONTENT_WIDTH / 2 - 10;
  doc.font('Bold').fontSize(11).text(title, x, y, { width });
  doc
    .font('Regular')
    .fontSize(10)
    .text(lines.join('\n'), x, doc.y + 2, { width });
}

function lineTable(doc: PDFKit.PDFDocument, invoice: LegalInvoiceDocument): void {
  const money = (amount: number) => formatMoney(amount, invoice.currency);
  const row = (cells: readonly string[], bold: boolean) => {
    doc.font(bold ? 'Bold' : 'Regular').fontSize(8);
    const height = Math.max(...cells.map((cell, i) => doc.heightOfString(cell, { width: COLUMNS[i]!.width - 6 })));
    if (doc.y + height > doc.page.height - MARGIN - 20) {
      doc.addPage();
      if (!bold)
        row(
          COLUMNS.map((column) => column.title),
          true,
        );
    }
    const top = doc.y;
    let x = MARGIN;
    cells.forEach((cell, i) => {
      const column = COLUMNS[i]!;
      doc.text(cell, x, top, { width: column.width - 6, align: column.align });
      x += column.width;
    });
    doc.y = top + height + 6;
    doc.x = MARGIN;
  };
  row(
    COLUMNS.map((column) => column.title),
    true,
  );
  for (const line of invoice.lines) {
    const period = line.periodStart && line.periodEnd ? `${line.periodStart} – ${line.periodEnd}` : '';
    const discount = line.discountAmount ? money(-line.discountAmount) : money(0);
    row(
      [
        line.description,
        period,
        String(line.quantity),
        money(line.unitAmount),
        discount,
        money(line.amount),
        money(line.vatAmount),
      ],
      false,
    );
  }
}

function summary(doc: PDFKit.PDFDocument, invoice: LegalInvoiceDocument): void {
  const money = (amount: number) => formatMoney(amount, invoice.currency);
  if (doc.y > doc.page.height - MARGIN - 220) doc.addPage();
  const labelX = MARGIN + CONTENT_WIDTH - 300;
  const entry = (label: string, value: string, bold = false) => {
    const top = doc.y + 3;
    doc.font(bold ? 'Bold' : 'Regular').fontSize(10);
    doc.text(label, labelX, top, { width: 190 });
    doc.text(value, labelX + 190, top, { width: 110, align: 'right' });
  };
  doc.y += 10;
  const rate = `${formatVatRate(invoice.vat.rateBps)} (${TREATMENT_LABELS[invoice.vat.treatment]})`;
  entry(`Taxable amount at ${rate}`, money(invoice.taxableAmount));
  entry(`VAT rate`, formatVatRate(invoice.vat.rateBps));
  entry(`VAT amount`, money(invoice.vatAmount));
  entry('Total including VAT', money(invoice.total), true);
  doc.font('Regular').fontSize(9);
  doc.text(
    `All amounts are in ${invoice.currency}. VAT is computed per line (amount × rate, rounded half away from zero to the cent); the VAT amount is the sum of the lines' VAT.`,
    MARGIN,
    doc.y + 12,
    { width: CONTENT_WIDTH },
  );
  if (invoice.businessTerms) {
    doc
      .font('Regular')
      .fontSize(8)
      .text(invoice.businessTerms.join('\n'), MARGIN, doc.y + 10, { width: CONTENT_WIDTH });
  }
  if (invoice.vat.mention) {
    doc
      .font('Bold')
      .fontSize(9)
      .text(invoice.vat.mention, MARGIN, doc.y + 12, { width: CONTENT_WIDTH });
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
