// The text of a PDF as poppler's pdftotext lays it out (pages separated by form feeds): tests read
// rendered invoices through it, and fail with how to get it when it is missing.
import { execFileSync } from 'node:child_process';

export function pdfText(pdf: Buffer): string {
  try {
    return execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', '-', '-'], { input: pdf, encoding: 'utf8' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error('pdftotext is missing: install poppler-utils (apt-get install -y poppler-utils) to test invoice PDFs', {
        cause: error,
      });
    }
    throw error;
  }
}
