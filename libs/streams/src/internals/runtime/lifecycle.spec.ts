import { Lifecycle } from './lifecycle';

describe('Lifecycle', () => {
  it('follows CREATED → REBALANCING ↔ RUNNING → PENDING_SHUTDOWN → NOT_RUNNING and notifies listeners', () => {
    const lifecycle = new Lifecycle();
    const seen: string[] = [];
    const off = lifecycle.onChange((next, previous) => seen.push(`${previous}>${next}`));
    for (const s of ['REBALANCING', 'RUNNING', 'REBALANCING', 'RUNNING', 'PENDING_SHUTDOWN', 'NOT_RUNNING'] as const) {
      expect(lifecycle.transition(s)).toBe(true);
    }
    off();
    expect(seen).toEqual([
      'CREATED>REBALANCING',
      'REBALANCING>RUNNING',
      'RUNNING>REBALANCING',
      'REBALANCING>RUNNING',
      'RUNNING>PENDING_SHUTDOWN',
      'PENDING_SHUTDOWN>NOT_RUNNING',
    ]);
  });

  it('refuses illegal transitions and keeps the cause of ERROR', () => {
    const lifecycle = new Lifecycle();
    expect(lifecycle.transition('RUNNING')).toBe(false);
    expect(() => lifecycle.require('NOT_RUNNING')).toThrow('cannot go from CREATED to NOT_RUNNING');
    const cause = new Error('boom');
    expect(lifecycle.transition('ERROR', cause)).toBe(true);
    expect(lifecycle.cause).toBe(cause);
    expect(lifecycle.transition('RUNNING')).toBe(false);
    expect(lifecycle.state).toBe('ERROR');
  });
});
