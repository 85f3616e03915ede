import { Serdes } from '../../serdes/serdes';
import { Stores } from '../topology/stores';
import { MemoryStore } from './memory-store';
import { tasksStoreView } from './tasks-store-view';

const spec = Stores.keyValue('counts', Serdes.string(), Serdes.int64());

function instances(...contents: string[][]): MemoryStore[] {
  return contents.map((keys) => {
    const store = new MemoryStore(spec);
    keys.forEach((key, i) => store.put(key, i + 1));
    return store;
  });
}

describe('tasksStoreView', () => {
  it('gets from whichever task holds the key and counts all entries', () => {
    const stores = instances(['a', 'd'], ['b'], ['c', 'e']);
    const view = tasksStoreView<string, number>(spec, () => stores);
    expect(view.get('c')).toBe(1);
    expect(view.get('d')).toBe(2);
    expect(view.get('z')).toBeUndefined();
    expect(view.approximateNumEntries()).toBe(5);
  });

  it('merges scans of all tasks in key-byte order', () => {
    const view = tasksStoreView<string, number>(spec, () => instances(['b', 'e', 'h'], ['a', 'f'], ['c', 'd', 'g']));
    expect([...view.all()].map((e) => e.key)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
    expect([...view.range('c', 'f')].map((e) => e.key)).toEqual(['c', 'd', 'e', 'f']);
    expect([...view.prefixScan('g', Serdes.string())].map((e) => e.key)).toEqual(['g']);
  });

  it('closes every task iterator when the caller stops early', () => {
    const stores = instances(['a', 'c'], ['b', 'd']);
    const returned: number[] = [];
    stores.forEach((store, i) => {
      const all = store.all.bind(store);
      store.all = () => {
        const it = all();
        const original = it.return?.bind(it);
        it.return = (value?: unknown) => {
          returned.push(i);
          return original ? original(value) : { done: true, value: undefined };
        };
        return it;
      };
    });
    const view = tasksStoreView<string, number>(spec, () => stores);
    for (const entry of view.all()) if (entry.key === 'b') break;
    expect(returned.sort()).toEqual([0, 1]);
  });
});
