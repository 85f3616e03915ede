import { PlatformError } from './errors';
import { backoffDelay, retry, RetriesExhaustedError } from './retry';

const fast = { retries: 3, initialMs: 1, maxMs: 4, factor: 2, jitter: 0, sleep: async () => undefined };

describe('retry', () => {
  it('retries until the operation succeeds', async () => {
    let calls = 0;
    const result = await retry(async () => {
      calls++;
      if (calls < 3) throw new Error('not yet');
      return 'done';
    }, fast);
    expect(result).toBe('done');
    expect(calls).toBe(3);
  });

  it('stops at once on a non-retriable PlatformError', async () => {
    let calls = 0;
    const failure = new PlatformError('bad input', { retriable: false });
    await expect(
      retry(async () => {
        calls++;
        throw failure;
      }, fast),
    ).rejects.toBe(failure);
    expect(calls).toBe(1);
  });

  it('gives up after the configured retries', async () => {
    let calls = 0;
    await expect(
      retry(async () => {
        calls++;
        throw new Error('down');
      }, fast),
    ).rejects.toBeInstanceOf(RetriesExhaustedError);
    expect(calls).toBe(4);
  });

  it('bail stops with the given error', async () => {
    await expect(retry(async (_attempt, bail) => bail(new Error('stop')), fast)).rejects.toThrow('stop');
  });

  it('grows delays exponentially up to the maximum', () => {
    const options = { retries: 10, initialMs: 100, maxMs: 1000, factor: 2, jitter: 0 };
    expect([0, 1, 2, 3, 4].map((a) => backoffDelay(a, options))).toEqual([100, 200, 400, 800, 1000]);
  });
});
