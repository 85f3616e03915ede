import { formatPosition, parsePosition } from './position';

describe('realtime positions', () => {
  it('parses positions strictly', () => {
    expect(parsePosition(formatPosition([0n, 12n, 9007199254740993n]))).toEqual([0n, 12n, 9007199254740993n]);
    for (const bad of ['', '1..2', '-1', '1.a', '1'.repeat(20), '0.'.repeat(2000) + '0']) expect(parsePosition(bad)).toBeUndefined();
  });
});
