import { exceedsNestingDepth } from './body-depth';

const bytes = (text: string) => Buffer.from(text, 'utf8');
const nested = (depth: number, open = '[', close = ']') => `${open.repeat(depth)}${close.repeat(depth)}`;

describe('exceedsNestingDepth', () => {
  it('accepts exactly the limit and refuses one more level', () => {
    expect(exceedsNestingDepth(bytes(nested(32)), 32)).toBe(false);
    expect(exceedsNestingDepth(bytes(nested(33)), 32)).toBe(true);
    expect(exceedsNestingDepth(bytes('{"a":{"b":[1,{"c":2}]}}'), 4)).toBe(false);
    expect(exceedsNestingDepth(bytes('{"a":{"b":[1,{"c":2}]}}'), 3)).toBe(true);
  });

  it('counts depth, not the number of containers', () => {
    const wide = `[${Array.from({ length: 10_000 }, () => '{"a":[1]}').join(',')}]`;
    expect(exceedsNestingDepth(bytes(wide), 3)).toBe(false);
    expect(exceedsNestingDepth(bytes(wide), 2)).toBe(true);
  });

  it('ignores brackets inside strings, honouring escaped quotes and backslashes', () => {
    expect(exceedsNestingDepth(bytes(JSON.stringify({ text: '[[[[[[{{{{{' })), 1)).toBe(false);
    expect(exceedsNestingDepth(bytes(JSON.stringify({ text: 'say \\"[[[[" and \\\\' })), 1)).toBe(false);
    // An escaped quote does not end the string: the brackets after it are still inside.
    expect(exceedsNestingDepth(bytes('{"t":"\\"[[[["}'), 1)).toBe(false);
    // A string ending in an escaped backslash does end: the brackets after it count.
    expect(exceedsNestingDepth(bytes('{"t":"\\\\",  "u":[[1]]}'), 2)).toBe(true);
  });

  it('scans multi-byte UTF-8 text exactly', () => {
    expect(exceedsNestingDepth(bytes(JSON.stringify({ text: '日本語 ［｛ 😀 ] }' })), 1)).toBe(false);
    expect(exceedsNestingDepth(bytes(`{"😀":${nested(5)}}`), 5)).toBe(true);
  });

  it('is linear: 10,000 levels answer immediately', () => {
    expect(exceedsNestingDepth(bytes(nested(10_000, '{"a":', '}')), 32)).toBe(true);
    expect(exceedsNestingDepth(bytes(nested(1_000_000)), 32)).toBe(true);
  });
});
