// Keeps the documents tests render under test/artifacts/ (git-ignored) for a person to look at: the PDF,
// and its first page as a PNG when poppler's pdftoppm is installed (the assertions never depend on it).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const ARTIFACTS = path.join(__dirname, '..', 'artifacts');

export function keepArtifact(name: string, pdf: Buffer): void {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.pdf`);
  writeFileSync(file, pdf);
  try {
    execFileSync(
      'pdftoppm',
      ['-png', '-r', '80', '-f', '1', '-l', '1', '-singlefile', file, path.join(ARTIFACTS, name)],
      { stdio: 'ignore', timeout: 10_000 },
    );
  } catch {
    // No pdftoppm here: the PDF alone is kept.
  }
}
