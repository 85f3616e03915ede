import { StoreError } from '../../errors';
import { Serdes } from '../../serdes/serdes';
import { Stores } from '../topology/stores';
import { MemoryStore } from './memory-store';

const make = () => new MemoryStore(Stores.keyValue('st', Serdes.string(), Serdes.json<{ n: number }>()));
const keys = (it: Iterable<{ key: unknown }>) => [...it].map((e) => e.key);

describe('MemoryStore', () => {
  it('gets, puts, deletes and returns copies of values', () => {
    const store = make();
    expect(store.get('a')).toBeUndefined();
    store.put('a', { n: 1 });
    const read = store.get('a') as { n: number };
    read.n = 99;
    expect(store.get('a')).toEqual({ n: 1 });
    expect(store.putIfAbsent('a', { n: 2 })).toEqual({ n: 1 });
    expect(store.putIfAbsent('b', { n: 2 })).toBeUndefined();
    expect(store.delete('a')).toEqual({ n: 1 });
    expect(store.delete('a')).toBeUndefined();
    store.put('b', null);
    expect(store.approximateNumEntries()).toBe(0);
  });

  it('orders by serialized key bytes for all, range and prefixScan', () => {
    const store = make();
    for (const k of ['b', 'a:2', 'a:10', 'é', 'B', 'a']) store.put(k, { n: 0 });
    expect(keys(store.all())).toEqual(['B', 'a', 'a:10', 'a:2', 'b', 'é']);
    expect(keys(store.range('a:', 'b'))).toEqual(['a:10', 'a:2', 'b']);
    expect(keys(store.range(undefined, 'a'))).toEqual(['B', 'a']);
    expect(keys(store.range('b'))).toEqual(['b', 'é']);
    expect(keys(store.prefixScan('a:', Serdes.string()))).toEqual(['a:10', 'a:2']);
  });

  it('iterates a snapshot, supports early exit, and refuses use after close', () => {
    const store = make();
    store.put('a', { n: 1 });
    store.put('b', { n: 2 });
    const seen: unknown[] = [];
    for (const { key } of store.all()) {
      seen.push(key);
      store.delete('b');
      store.put('c', { n: 3 });
    }
    expect(seen).toEqual(['a', 'b']);
    const it = store.all();
    expect(it.next().done).toBe(false);
    expect(it.return?.().done).toBe(true);
    expect(it.next().done).toBe(true);
    const open = store.all();
    store.close();
    expect(() => open.next()).toThrow(StoreError);
    expect(() => store.get('a')).toThrow(StoreError);
  });

  it('rejects null keys and asynchronous serdes', () => {
    expect(() => make().put(null, { n: 1 })).toThrow(StoreError);
    const asyncSerde = { serialize: async () => Buffer.alloc(1), deserialize: () => 'x' };
    const store = new MemoryStore({ ...Stores.keyValue('st', Serdes.string(), Serdes.string()), keySerde: asyncSerde as never });
    expect(() => store.put('a', 'b')).toThrow(/synchronous/);
  });
});
