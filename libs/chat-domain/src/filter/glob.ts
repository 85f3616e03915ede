/**
 * Wildcard matching without backtracking. A glob (`*` any run, `?` one code point; `\*`, `\?`,
 * `\\` literal) is compiled into the bit masks of its non-deterministic automaton, which is then
 * run over the text one code point at a time with all states at once (shift-and, as in agrep).
 * Cost: O(text length × ⌈pattern length / 32⌉) with a few integer operations per step, whatever
 * the number of stars: no RegExp (V8's backtracking made `*******z` cost seconds) and no recursion.
 */
export interface GlobMatcher {
  /** Whether the whole text matches. */
  (text: string): boolean;
  /**
   * A necessary condition, with native string search only: every run of literal characters of the
   * pattern occurs in `text`. False means neither `text` nor any part of it can match, so a caller
   * can test a whole field once before matching each of its words.
   */
  possibleIn(text: string): boolean;
}

type Automaton = (text: string) => boolean;

type Element = { kind: 'literal'; codePoint: number } | { kind: 'any' } | { kind: 'star' };

/** Elements of a glob; consecutive stars collapse into one (same language, and the automaton relies on it). */
export function globElements(pattern: string): Element[] {
  const elements: Element[] = [];
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '\\' && i + 1 < chars.length) {
      elements.push({ kind: 'literal', codePoint: chars[++i]!.codePointAt(0)! });
    } else if (c === '*') {
      if (elements[elements.length - 1]?.kind !== 'star') elements.push({ kind: 'star' });
    } else if (c === '?') {
      elements.push({ kind: 'any' });
    } else {
      elements.push({ kind: 'literal', codePoint: c.codePointAt(0)! });
    }
  }
  return elements;
}

/**
 * Compiles a glob into an anchored matcher (the whole text must match). State bit j means "the
 * first j elements match the text read so far"; a star's bit stays set on any character and is
 * set whenever the bit before it is (a star may match nothing).
 */
export function compileGlob(pattern: string): GlobMatcher {
  const elements = globElements(pattern);
  const states = elements.length + 1;
  const run = states <= 32 ? singleWord(elements) : multiWord(elements, Math.ceil(states / 32));
  // Necessary conditions checked first with native string search: enough characters, and every
  // run of literal characters occurs somewhere. Most texts fail here without running the automaton.
  const minLength = elements.filter((e) => e.kind !== 'star').length;
  const literalRuns = literalRunsOf(elements);
  const possibleIn = (text: string) => literalRuns.every((literal) => text.includes(literal));
  return Object.assign((text: string) => text.length >= minLength && possibleIn(text) && run(text), { possibleIn });
}

function literalRunsOf(elements: Element[]): string[] {
  const runs: string[] = [];
  let current = '';
  for (const element of elements) {
    if (element.kind === 'literal') {
      current += String.fromCodePoint(element.codePoint);
    } else if (current !== '') {
      runs.push(current);
      current = '';
    }
  }
  if (current !== '') runs.push(current);
  return runs;
}

function singleWord(elements: Element[]): Automaton {
  let any = 0;
  let stars = 0;
  const literals = new Map<number, number>();
  elements.forEach((element, index) => {
    const bit = 1 << (index + 1);
    if (element.kind === 'star') stars |= bit;
    else if (element.kind === 'any') any |= bit;
    else literals.set(element.codePoint, (literals.get(element.codePoint) ?? 0) | bit);
  });
  for (const [codePoint, mask] of literals) literals.set(codePoint, mask | any);
  const accept = 1 << elements.length;
  const closure = (d: number) => d | ((d << 1) & stars);
  const start = closure(1);
  return (text) => {
    let d = start;
    for (let i = 0; i < text.length; ) {
      const codePoint = text.codePointAt(i)!;
      i += codePoint > 0xffff ? 2 : 1;
      d = closure(((d << 1) & (literals.get(codePoint) ?? any)) | (d & stars));
      if (d === 0) return false;
    }
    return (d & accept) !== 0;
  };
}

function multiWord(elements: Element[], words: number): Automaton {
  const mask = () => new Int32Array(words);
  const setBit = (target: Int32Array, bit: number) => {
    target[bit >>> 5]! |= 1 << (bit & 31);
  };
  const any = mask();
  const stars = mask();
  const literals = new Map<number, Int32Array>();
  elements.forEach((element, index) => {
    if (element.kind === 'star') setBit(stars, index + 1);
    else if (element.kind === 'any') setBit(any, index + 1);
    else {
      let m = literals.get(element.codePoint);
      if (m === undefined) literals.set(element.codePoint, (m = mask()));
      setBit(m, index + 1);
    }
  });
  for (const m of literals.values()) for (let w = 0; w < words; w++) m[w]! |= any[w]!;
  const acceptWord = elements.length >>> 5;
  const acceptBit = 1 << (elements.length & 31);
  return (text) => {
    let d = mask();
    d[0] = 1 | (2 & stars[0]!); // state 0 and, if the first element is a star, its closure
    let next = mask();
    for (let i = 0; i < text.length; ) {
      const codePoint = text.codePointAt(i)!;
      i += codePoint > 0xffff ? 2 : 1;
      const m = literals.get(codePoint) ?? any;
      let carry = 0;
      let closeCarry = 0;
      let alive = 0;
      for (let w = 0; w < words; w++) {
        const v = d[w]!;
        const star = stars[w]!;
        // step: advance on the character, stay on stars; then close: a star's bit follows the bit before it
        const stepped = (((v << 1) | carry) & m[w]!) | (v & star);
        carry = v >>> 31;
        const closed = stepped | (((stepped << 1) | closeCarry) & star);
        closeCarry = stepped >>> 31;
        next[w] = closed;
        alive |= closed;
      }
      if (alive === 0) return false;
      [d, next] = [next, d];
    }
    return (d[acceptWord]! & acceptBit) !== 0;
  };
}
