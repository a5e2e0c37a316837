import { createRequire } from 'node:module';
import { firstUnprintable, PRINTABLE_RANGES } from '../../src/billing/printable-text';

/** The fontkit pdfkit itself draws with, reading the two font files the invoice PDF registers. */
const fromPdfkit = createRequire(require.resolve('pdfkit'));
const fontkit = fromPdfkit('fontkit') as {
  openSync(file: string): { hasGlyphForCodePoint(codePoint: number): boolean };
};
const fonts = ['400Regular', '700Bold'].map((weight) =>
  fontkit.openSync(require.resolve(`@expo-google-fonts/noto-sans/${weight}/NotoSans_${weight}.ttf`)),
);
const INVISIBLE_OR_CONTROL = /[\p{C}\p{Zl}\p{Zp}]/u;

describe('the characters an invoice can print', () => {
  it('are exactly those both invoice fonts draw, without control, format or separator characters', () => {
    const derived: [number, number][] = [];
    for (let codePoint = 0; codePoint <= 0x10ffff; codePoint++) {
      if (codePoint >= 0xd800 && codePoint <= 0xdfff) continue;
      const printable =
        !INVISIBLE_OR_CONTROL.test(String.fromCodePoint(codePoint)) &&
        fonts.every((font) => font.hasGlyphForCodePoint(codePoint));
      if (!printable) continue;
      const last = derived.at(-1);
      if (last && last[1] === codePoint - 1) last[1] = codePoint;
      else derived.push([codePoint, codePoint]);
    }
    expect(PRINTABLE_RANGES).toEqual(derived);
  });

  it('finds the first character that cannot be printed, or none', () => {
    expect(firstUnprintable('Ἀθηνᾶ Жук Łódź, 12 € – «Ærø»')).toBeNull();
    expect(firstUnprintable('Bob 中文')).toBe('中');
    expect(firstUnprintable('Bob 😀')).toBe('😀');
    expect(firstUnprintable('a\u202Eb')).toBe('\u202E');
    expect(firstUnprintable('a\u0000b')).toBe('\u0000');
    expect(firstUnprintable('a\uD800b')).toBe('\uD800');
  });
});
