import { HeldParts, isUnchangedPart, stampedPart } from './held-parts';

describe('stamped parts of gathered lists', () => {
  it('answers "unchanged" only for the current stamp, else the part with the stamp it was built at', async () => {
    let stamp = 'p/1';
    const build = async () => ({ items: [stamp], partitions: [0] });
    expect(await stampedPart('p/1', () => stamp, build)).toEqual({ unchanged: true, stamp: 'p/1' });
    expect(await stampedPart('p/0', () => stamp, build)).toEqual({ items: ['p/1'], partitions: [0], stamp: 'p/1' });
    expect(await stampedPart(undefined, () => stamp, build)).toEqual({ items: ['p/1'], partitions: [0], stamp: 'p/1' });
    // The state moved while the part was built: no stamp, so nobody reuses it.
    const moving = async () => {
      stamp = 'p/2';
      return { items: ['x'], partitions: [0] };
    };
    expect(await stampedPart('p/0', () => stamp, moving)).toEqual({ items: ['x'], partitions: [0] });
    // No stamp (rebalancing, index invalid): never "unchanged", never stamped.
    expect(await stampedPart(undefined, () => undefined, build)).toEqual({ items: ['p/2'], partitions: [0] });
    expect(await stampedPart(undefined as unknown, () => undefined, build)).not.toHaveProperty('unchanged');
  });

  it('recognises an unchanged answer for the held stamp only', () => {
    expect(isUnchangedPart({ unchanged: true, stamp: 's' }, 's')).toBe(true);
    expect(isUnchangedPart({ unchanged: true, stamp: 't' }, 's')).toBe(false);
    expect(isUnchangedPart({ unchanged: 'yes', stamp: 's' }, 's')).toBe(false);
    expect(isUnchangedPart(null, 's')).toBe(false);
  });

  it('keeps the newest 256 parts per peer, route and request', () => {
    const held = new HeldParts<number>();
    for (let i = 0; i < 300; i++) held.put(HeldParts.key('peer:1', '/p', `r${i}`), `s${i}`, i);
    expect(held.get(HeldParts.key('peer:1', '/p', 'r0'))).toBeUndefined();
    expect(held.get(HeldParts.key('peer:1', '/p', 'r299'))).toEqual({ stamp: 's299', part: 299 });
    expect(held.get(HeldParts.key('peer:2', '/p', 'r299'))).toBeUndefined();
    held.forget(HeldParts.key('peer:1', '/p', 'r299'));
    expect(held.get(HeldParts.key('peer:1', '/p', 'r299'))).toBeUndefined();
  });
});
