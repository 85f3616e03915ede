import { FixedWindowLimiter } from './fixed-window-limiter';

describe('FixedWindowLimiter', () => {
  it('allows limit takes per window, then refuses with the seconds left until the window ends', () => {
    let now = 1_000_000;
    const limiter = new FixedWindowLimiter({ limit: 3, windowMs: 10_000, now: () => now });
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([{ allowed: true }, { allowed: true }, { allowed: true }]);
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 10 });
    expect(limiter.take('b')).toEqual({ allowed: true });
    now += 7_500;
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 3 });
    now += 2_500;
    expect(limiter.take('a')).toEqual({ allowed: true });
  });

  it('keeps at most maxKeys keys, forgetting the least recently seen', () => {
    const limiter = new FixedWindowLimiter({ limit: 1, windowMs: 60_000, maxKeys: 3, now: () => 0 });
    for (const key of ['a', 'b', 'c']) limiter.take(key);
    expect(limiter.take('a').allowed).toBe(false); // a is now the most recent
    limiter.take('d'); // evicts b
    expect(limiter.size).toBe(3);
    expect(limiter.take('a').allowed).toBe(false);
    expect(limiter.take('b').allowed).toBe(true); // forgotten, so counted afresh (evicts c)
    for (let i = 0; i < 10_000; i++) limiter.take(`spray-${i}`);
    expect(limiter.size).toBe(3);
  });

  it('refuses impossible settings', () => {
    expect(() => new FixedWindowLimiter({ limit: 0, windowMs: 1000 })).toThrow('rate limit must be a positive integer');
    expect(() => new FixedWindowLimiter({ limit: 1, windowMs: 0 })).toThrow('window');
    expect(() => new FixedWindowLimiter({ limit: 1, windowMs: 1, maxKeys: 0 })).toThrow('maxKeys');
  });
});
