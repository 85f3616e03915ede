import { retryDelayMs } from './delivery-policy';

describe('retryDelayMs', () => {
  const policy = { backoffBaseMs: 1000, backoffMaxMs: 10_000 };

  it('grows exponentially with full jitter above half the base, capped at the maximum', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(policy, n, 1))).toEqual([1000, 2000, 4000, 8000]);
    expect([1, 2, 3].map((n) => retryDelayMs(policy, n, 0))).toEqual([500, 500, 500]);
    expect(retryDelayMs(policy, 30, 1)).toBe(10_000);
    expect(retryDelayMs(policy, 1000, 0.5)).toBe(5250);
  });
});
