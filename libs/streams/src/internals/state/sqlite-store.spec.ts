import { silentLogger } from '@platform/common';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SqliteStore } from './sqlite-store';
import { ROWS_PER_STATEMENT, TaskDatabase } from './task-database';

const b = (s: string) => Buffer.from(s);
const keys = (it: Iterable<{ key: Buffer }>) => [...it].map((e) => e.key.toString());

describe('SqliteStore', () => {
  let dir: string;
  let db: TaskDatabase;
  let store: SqliteStore;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sqlite-store-'));
    db = TaskDatabase.open(dir, silentLogger);
    store = new SqliteStore('counts', db.table('counts'));
  });
  afterEach(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads its own buffered writes and keeps them out of the table until flush', () => {
    store.put(b('a'), b('1'));
    expect(store.get(b('a'))?.toString()).toBe('1');
    expect(db.table('counts').get(b('a'))).toBeUndefined();
    store.flush();
    expect(db.table('counts').get(b('a'))?.toString()).toBe('1');
    expect(store.delete(b('a'))?.toString()).toBe('1');
    expect(store.get(b('a'))).toBeUndefined();
    store.flush();
    expect(db.table('counts').get(b('a'))).toBeUndefined();
  });

  it('merges table rows and buffered writes in byte order for range, prefixScan and all', () => {
    for (const k of ['a', 'ab', 'b', 'c']) store.put(b(k), b(k));
    store.flush();
    store.put(b('aa'), b('new'));
    store.delete(b('b'));
    store.put(b('c'), b('changed'));
    expect(keys(store.all())).toEqual(['a', 'aa', 'ab', 'c']);
    expect(keys(store.range(b('aa'), b('c')))).toEqual(['aa', 'ab', 'c']);
    expect(keys(store.range(undefined, b('ab')))).toEqual(['a', 'aa', 'ab']);
    expect(keys(store.prefixScan(b('a')))).toEqual(['a', 'aa', 'ab']);
    expect([...store.all()].find((e) => e.key.toString() === 'c')?.value.toString()).toBe('changed');
    expect(store.approximateNumEntries()).toBe(4);
  });

  it('orders binary keys by bytes and scans prefixes ending in 0xff', () => {
    store.put(Buffer.from([0x01, 0xff]), b('x'));
    store.put(Buffer.from([0x01, 0xff, 0x00]), b('y'));
    store.put(Buffer.from([0x02]), b('z'));
    store.flush();
    expect([...store.prefixScan(Buffer.from([0x01, 0xff]))].map((e) => e.value.toString())).toEqual(['x', 'y']);
  });

  it('allows writes while iterating and closes leaked iterators at flush', () => {
    for (const k of ['a', 'b', 'c']) store.put(b(k), b(k));
    store.flush();
    const leaked = store.all();
    expect(leaked.next().done).toBe(false);
    for (const entry of store.all()) store.delete(entry.key);
    store.flush();
    expect(leaked.next().done).toBe(true);
    expect(keys(store.all())).toEqual([]);
  });

  it('closes the cursor when a loop breaks early', () => {
    for (const k of ['a', 'b']) store.put(b(k), b(k));
    store.flush();
    for (const _entry of store.all()) break;
    store.put(b('c'), b('c'));
    expect(() => store.flush()).not.toThrow();
  });

  it('commits data and offsets in one transaction that rolls back together', () => {
    store.put(b('k'), b('v'));
    expect(() =>
      db.transaction(() => {
        store.flush();
        db.writeOffsets(new Map([['changelog|t|0', '5']]));
        throw new Error('crash');
      }),
    ).toThrow('crash');
    expect(db.table('counts').get(b('k'))).toBeUndefined();
    expect(db.readOffsets().size).toBe(0);
  });

  it('writeAll applies writes in order across multi-row statements, deletes and repeated keys', () => {
    const table = db.table('counts');
    table.put(b('gone'), b('x'));
    const writes = Array.from({ length: ROWS_PER_STATEMENT * 2 + 7 }, (_, i) => ({ key: b(`k${i % 300}`), value: b(`v${i}`) }));
    const deleted = { key: b('k5'), value: null };
    db.transaction(() => table.writeAll([...writes, { key: b('gone'), value: null }, deleted, { key: b('k7'), value: b('last') }]));
    expect(table.count()).toBe(299);
    expect(table.get(b('gone'))).toBeUndefined();
    expect(table.get(b('k5'))).toBeUndefined();
    expect(table.get(b('k7'))?.toString()).toBe('last');
    expect(table.get(b('k8'))?.toString()).toBe(`v${300 + 8}`);
    expect(table.get(b('k299'))?.toString()).toBe('v299');
  });
});

describe('TaskDatabase.open', () => {
  it('reuses a database with offsets, rebuilds one without offsets or when corrupt', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'task-db-'));
    const first = TaskDatabase.open(dir, silentLogger);
    expect(first.outcome).toBe('created');
    first.table('s').put(b('k'), b('v'));
    first.close();
    const noOffsets = TaskDatabase.open(dir, silentLogger);
    expect(noOffsets.outcome).toBe('rebuilt-no-offsets');
    noOffsets.transaction(() => {
      noOffsets.table('s').put(b('k'), b('v'));
      noOffsets.writeOffsets(new Map([['changelog|t|0', '0']]));
    });
    noOffsets.close();
    const reused = TaskDatabase.open(dir, silentLogger);
    expect(reused.outcome).toBe('reused');
    expect(reused.table('s').get(b('k'))?.toString()).toBe('v');
    reused.close();
    fs.writeFileSync(path.join(dir, 'state.db'), Buffer.alloc(8192, 7));
    const corrupt = TaskDatabase.open(dir, silentLogger);
    expect(corrupt.outcome).toBe('rebuilt-corrupt');
    expect(corrupt.readOffsets().size).toBe(0);
    corrupt.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
