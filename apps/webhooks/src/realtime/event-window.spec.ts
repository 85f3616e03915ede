import { EventWindow, type WindowedEvent } from './event-window';

const event = (n: number, body = 'x'.repeat(10)): WindowedEvent & { n: number } => ({ n, partition: n % 3, offset: BigInt(n), body });

describe('EventWindow', () => {
  it('keeps the newest maxEvents events, numbered in arrival order, across many evictions', () => {
    const evicted: number[] = [];
    const window = new EventWindow<ReturnType<typeof event>>(100, 1_000_000, (e) => evicted.push(e.n));
    for (let n = 0; n < 10_000; n++) window.push(event(n));
    expect(window.size).toBe(100);
    expect(window.firstSeq).toBe(9_900);
    expect(window.endSeq).toBe(10_000);
    expect(window.at(9_899)).toBeUndefined();
    expect(window.at(10_000)).toBeUndefined();
    for (let seq = 9_900; seq < 10_000; seq++) expect(window.at(seq)?.n).toBe(seq);
    expect(evicted).toEqual(Array.from({ length: 9_900 }, (_, n) => n));
  });

  it('evicts by body bytes too, but always keeps the newest event', () => {
    const window = new EventWindow<ReturnType<typeof event>>(1_000, 25);
    window.push(event(0));
    window.push(event(1));
    expect([window.firstSeq, window.size]).toEqual([0, 2]);
    window.push(event(2));
    expect([window.firstSeq, window.size]).toEqual([1, 2]);
    window.push(event(3, 'y'.repeat(100)));
    expect([window.firstSeq, window.size, window.at(3)?.n]).toEqual([3, 1, 3]);
    window.push(event(4, ''));
    expect([window.firstSeq, window.size]).toEqual([4, 1]);
  });

  it('answers the same before and after the evicted prefix is cut off', () => {
    const window = new EventWindow<ReturnType<typeof event>>(1_500, 1_000_000);
    const wrong: number[] = [];
    for (let n = 0; n < 3_100; n++) {
      window.push(event(n));
      const first = Math.max(0, n - 1_499);
      if (window.firstSeq !== first || window.at(first)?.n !== first || window.at(n)?.n !== n || window.at(first - 1) !== undefined) wrong.push(n);
    }
    expect(wrong).toEqual([]);
  });
});
