import { waitFor } from './wait-for';

describe('waitFor', () => {
  it('resolves with the first truthy value', async () => {
    let calls = 0;
    const value = await waitFor(() => (++calls >= 3 ? 'ready' : undefined), { intervalMs: 1 });
    expect(value).toBe('ready');
    expect(calls).toBe(3);
  });

  it('treats thrown errors as not yet and reports the last one on timeout', async () => {
    await expect(
      waitFor(
        () => {
          throw new Error('still down');
        },
        { timeoutMs: 20, intervalMs: 5, description: 'the thing' },
      ),
    ).rejects.toThrow(/for the thing \(last error: still down\)/);
  });
});
