// The characters an invoice can print. An identity is printed on issued invoices, which never change, so
// what the invoice font would draw as an empty box (Chinese, emoji), or what would reorder or hide printed
// text (bidi overrides, zero-width characters, line separators), is refused when it is given, not frozen
// into a legal document. test/unit/printable-text.test.ts derives this table from the font files, so it
// follows the font.

/**
 * Code points that Noto Sans, regular and bold (the invoice PDF's fonts), both have a glyph for, without
 * control, format, private-use, unassigned or separator characters: Latin, Greek, Cyrillic and their
 * punctuation, among others. Sorted, inclusive, disjoint.
 */
export const PRINTABLE_RANGES: readonly (readonly [number, number])[] = [
  [0x0020, 0x007e],
  [0x00a0, 0x00ac],
  [0x00ae, 0x0377],
  [0x037a, 0x037f],
  [0x0384, 0x038a],
  [0x038c, 0x038c],
  [0x038e, 0x03a1],
  [0x03a3, 0x03e1],
  [0x03f0, 0x052f],
  [0x0900, 0x097f],
  [0x10fb, 0x10fb],
  [0x1ab0, 0x1ac0],
  [0x1ac5, 0x1ac5],
  [0x1ac7, 0x1ace],
  [0x1c80, 0x1c88],
  [0x1d00, 0x1df9],
  [0x1dfb, 0x1f15],
  [0x1f18, 0x1f1d],
  [0x1f20, 0x1f45],
  [0x1f48, 0x1f4d],
  [0x1f50, 0x1f57],
  [0x1f59, 0x1f59],
  [0x1f5b, 0x1f5b],
  [0x1f5d, 0x1f5d],
  [0x1f5f, 0x1f7d],
  [0x1f80, 0x1fb4],
  [0x1fb6, 0x1fc4],
  [0x1fc6, 0x1fd3],
  [0x1fd6, 0x1fdb],
  [0x1fdd, 0x1fef],
  [0x1ff2, 0x1ff4],
  [0x1ff6, 0x1ffe],
  [0x2000, 0x200a],
  [0x2010, 0x2027],
  [0x202f, 0x205f],
  [0x2070, 0x2071],
  [0x2074, 0x208e],
  [0x2090, 0x209c],
  [0x20a0, 0x20c0],
  [0x20f0, 0x20f0],
  [0x2100, 0x215f],
  [0x2183, 0x2184],
  [0x2189, 0x2189],
  [0x2212, 0x2212],
  [0x25cc, 0x25cc],
  [0x2c60, 0x2c7f],
  [0x2de0, 0x2e5d],
  [0xa640, 0xa69f],
  [0xa700, 0xa7ca],
  [0xa7d0, 0xa7d1],
  [0xa7d3, 0xa7d3],
  [0xa7d5, 0xa7d9],
  [0xa7f2, 0xa7ff],
  [0xa8ff, 0xa8ff],
  [0xa92e, 0xa92e],
  [0xab30, 0xab6b],
  [0xfb00, 0xfb06],
  [0xfe00, 0xfe00],
  [0xfe20, 0xfe2f],
  [0xfffc, 0xfffd],
  [0x10780, 0x10785],
  [0x10787, 0x107b0],
  [0x107b2, 0x107ba],
  [0x1df00, 0x1df1e],
];

/** The first character of `text` an invoice cannot print, or null when it can print all of it. */
export function firstUnprintable(text: string): string | null {
  for (const character of text) {
    if (!printable(character.codePointAt(0)!)) return character;
  }
  return null;
}

function printable(codePoint: number): boolean {
  let low = 0;
  let high = PRINTABLE_RANGES.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const [first, last] = PRINTABLE_RANGES[middle]!;
    if (codePoint < first) high = middle - 1;
    else if (codePoint > last) low = middle + 1;
    else return true;
  }
  return false;
}

/** `U+4E2D`: how an error names a character without printing it. */
export function codePointName(character: string): string {
  return `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}
