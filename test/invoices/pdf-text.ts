// The text of a PDF, line by line (pages separated by form feeds), read with Mozilla's pdf.js: tests
// check rendered invoices through it. Pure JavaScript, so `npm test` needs nothing installed beside npm.
import path from 'node:path';
import type { TextItem } from 'pdfjs-dist/types/src/display/api';

// The legacy build is the one meant for Node (no DOM, no worker thread).
const pdfjs = require('pdfjs-dist/legacy/build/pdf.js') as typeof import('pdfjs-dist');

const STANDARD_FONTS = `${path.dirname(require.resolve('pdfjs-dist/package.json'))}/standard_fonts/`;

export async function pdfText(pdf: Buffer): Promise<string> {
  const document = await pdfjs.getDocument({
    data: new Uint8Array(pdf),
    useSystemFonts: false,
    isEvalSupported: false,
    // The standard fonts ship with pdf.js: found locally, they are neither fetched nor warned about.
    standardFontDataUrl: STANDARD_FONTS,
    verbosity: pdfjs.VerbosityLevel.ERRORS,
  }).promise;
  const pages: string[] = [];
  for (let number = 1; number <= document.numPages; number++) {
    const content = await (await document.getPage(number)).getTextContent();
    const lines = new Map<number, TextItem[]>();
    for (const item of content.items) {
      if (!('str' in item) || item.str === '') continue;
      // Items on one baseline (to the point) form one line.
      const y = Math.round(item.transform[5] as number);
      lines.set(y, [...(lines.get(y) ?? []), item]);
    }
    const ordered = [...lines.entries()].sort(([a], [b]) => b - a);
    pages.push(
      ordered
        .map(([, items]) =>
          items
            .sort((a, b) => (a.transform[4] as number) - (b.transform[4] as number))
            .map((i) => i.str)
            .join(' '),
        )
        .join('\n'),
    );
  }
  await document.destroy();
  return pages.join('\f');
}
