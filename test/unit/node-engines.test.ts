// The project declares the Node versions it runs on; every installed package must accept the oldest of
// them, or `npm ci` warns (EBADENGINE) and the declaration is untrue.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';

const root = path.join(__dirname, '..', '..');
const readJson = (file: string) => JSON.parse(readFileSync(path.join(root, file), 'utf8'));

describe('Node engines', () => {
  const declared: string = readJson('package.json').engines.node;
  const oldest = semver.minVersion(declared)!.version;

  it('declares Node 20.19 or later, the first Node that can require() ES modules', () => {
    expect(semver.satisfies('20.19.0', declared)).toBe(true);
    expect(semver.satisfies('20.18.9', declared)).toBe(false);
  });

  it('installs only packages that accept the oldest declared Node', () => {
    const packages: Record<string, { version?: string; engines?: { node?: string } | string[] }> =
      readJson('package-lock.json').packages;
    const refusing = Object.entries(packages)
      .filter(([location]) => location !== '')
      .flatMap(([location, entry]) => {
        const required = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
        return required && !semver.satisfies(oldest, required)
          ? [`${location}@${entry.version} needs ${required}`]
          : [];
      });
    expect(refusing).toEqual([]);
  });
});
