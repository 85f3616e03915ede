import { compileGlob, globElements } from './glob';

/** Reference: dynamic programming over code points (obviously correct, O(n·m)). */
function reference(pattern: string, text: string): boolean {
  const elements = globElements(pattern);
  const chars = Array.from(text, (c) => c.codePointAt(0)!);
  // row[j]: elements[0..j) match chars[0..i)
  let row = new Array<boolean>(elements.length + 1).fill(false);
  row[0] = true;
  for (let j = 1; j <= elements.length; j++) row[j] = row[j - 1]! && elements[j - 1]!.kind === 'star';
  for (const c of chars) {
    const next = new Array<boolean>(elements.length + 1).fill(false);
    for (let j = 1; j <= elements.length; j++) {
      const e = elements[j - 1]!;
      if (e.kind === 'star') next[j] = next[j - 1]! || row[j]!;
      else next[j] = row[j - 1]! && (e.kind === 'any' || e.codePoint === c);
    }
    row = next;
  }
  return row[elements.length]!;
}

/** Deterministic PRNG (mulberry32) so a failure reproduces. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)]!;
}

describe('compileGlob', () => {
  it('anchors and translates wildcards and escapes', () => {
    expect(compileGlob('a*c')('abbc')).toBe(true);
    expect(compileGlob('a?c')('abbc')).toBe(false);
    expect(compileGlob('a??c')('abbc')).toBe(true);
    expect(compileGlob('a\\?c')('a?c')).toBe(true);
    expect(compileGlob('a\\?c')('abc')).toBe(false);
    expect(compileGlob('a\\*c')('abc')).toBe(false);
    expect(compileGlob('a\\\\c')('a\\c')).toBe(true);
    expect(compileGlob('*')('')).toBe(true);
    expect(compileGlob('?')('')).toBe(false);
    expect(compileGlob('*******z')('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaay')).toBe(false);
    expect(compileGlob('*******z')('z')).toBe(true);
  });

  it('treats a code point outside the BMP as one character', () => {
    expect(compileGlob('a?b')('a😀b')).toBe(true);
    expect(compileGlob('a??b')('a😀b')).toBe(false);
    expect(compileGlob('*😀')('xx😀')).toBe(true);
  });

  it('agrees with a reference matcher on 10,000 generated cases, short and long patterns', () => {
    const next = random(20240531);
    const patternChars = ['a', 'b', 'a', 'b', '*', '?', '\\*', '\\?', '\\\\', '😀', '*'] as const;
    const textChars = ['a', 'b', 'a', 'b', '*', '?', '\\', '😀', 'c'] as const;
    let matched = 0;
    for (let i = 0; i < 10_000; i++) {
      const long = i % 4 === 0;
      const patternLength = Math.floor(next() * (long ? 90 : 12));
      const textLength = Math.floor(next() * (long ? 120 : 16));
      let pattern = '';
      for (let j = 0; j < patternLength; j++) pattern += pick(next, patternChars);
      let text = '';
      // half the texts are built from the pattern so that matches are frequent
      if (next() < 0.5) {
        for (const c of Array.from(pattern.replace(/\\(.)/gu, '$1'))) text += c === '*' ? 'ab'.slice(0, Math.floor(next() * 3)) : c === '?' ? pick(next, textChars) : c;
      } else {
        for (let j = 0; j < textLength; j++) text += pick(next, textChars);
      }
      const expected = reference(pattern, text);
      if (expected) matched++;
      if (compileGlob(pattern)(text) !== expected) throw new Error(`glob ${JSON.stringify(pattern)} on ${JSON.stringify(text)}: expected ${expected}`);
    }
    // the generator really exercises both outcomes
    expect(matched).toBeGreaterThan(1_000);
    expect(matched).toBeLessThan(9_000);
  });

  it('collapses consecutive stars and uses several words for long patterns', () => {
    expect(globElements('a***b').map((e) => e.kind)).toEqual(['literal', 'star', 'literal']);
    const long = `${'ab'.repeat(40)}*${'c?'.repeat(20)}`;
    expect(compileGlob(long)(`${'ab'.repeat(40)}zzz${'cx'.repeat(20)}`)).toBe(true);
    expect(compileGlob(long)(`${'ab'.repeat(40)}zzz${'cx'.repeat(19)}`)).toBe(false);
  });
});
