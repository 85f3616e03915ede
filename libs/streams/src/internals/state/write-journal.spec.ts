import { silentLogger } from '@platform/common';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SyncSerde } from '../../api/serde';
import { RecordProductionError } from '../runtime/errors';
import type { StoreSpec } from '../topology/spec';
import { TaskState } from './task-state';

const utf8: SyncSerde<string> = { serialize: (_t, v) => Buffer.from(v), deserialize: (_t, d) => d.toString() };
const logged: StoreSpec = { name: 'logged', keySerde: utf8, valueSerde: utf8, changelog: { kind: 'internal' } };
const CHANGELOG = 'app-v1-logged-changelog';

describe('per-record rollback of a task state (WriteJournal)', () => {
  let root: string;
  let state: TaskState;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'write-journal-'));
    state = new TaskState({
      dir: path.join(root, 'app-v1', '0_0'),
      taskId: '0_0',
      partition: 0,
      stores: [logged],
      changelogTopic: () => ({ kind: 'internal', topic: CHANGELOG }),
      logger: silentLogger,
      changelogLimit: (topic) => (topic === CHANGELOG ? 1000 : undefined),
      changelogHeaderBytes: 100,
    });
  });
  afterEach(() => {
    state.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('a rolled-back record leaves the store, its changelog and the committed data as if it had not been processed', () => {
    const store = state.storeFactory(logged, '0_0', 0);
    state.journal.begin();
    store.put('kept', 'v1');
    store.put('gone', 'before');
    state.journal.end();

    state.journal.begin();
    store.put('kept', 'v2');
    store.delete('gone');
    store.put('new', 'n');
    expect(store.get('kept')).toBe('v2');
    state.journal.rollback();

    expect(store.get('kept')).toBe('v1');
    expect(store.get('gone')).toBe('before');
    expect(store.get('new')).toBeUndefined();
    const [batch] = state.drainChangelogs();
    expect(batch?.records.map((r) => [r.key.toString(), r.value?.toString() ?? null])).toEqual([
      ['kept', 'v1'],
      ['gone', 'before'],
    ]);
    state.commit(() => store.flush(), new Map([['logged', '1']]), new Map([['in|0', '2']]));
    expect([...store.all()].map((e) => [e.key, e.value])).toEqual([
      ['gone', 'before'],
      ['kept', 'v1'],
    ]);
  });

  it('writes outside a record are not journaled: a rollback undoes only the current record', () => {
    const store = state.storeFactory(logged, '0_0', 0);
    store.put('punctuated', 'p');
    state.journal.begin();
    store.put('punctuated', 'record');
    state.journal.rollback();
    state.journal.rollback();
    expect(store.get('punctuated')).toBe('p');
  });

  it('refuses a write whose changelog record would exceed the topic limit, before changing anything', () => {
    const store = state.storeFactory(logged, '0_0', 0);
    const fits = 1000 - 61 - 36 - 100 - 1; // limit minus batch, record and header overhead, minus the key
    store.put('k', 'x'.repeat(fits));
    expect(() => store.put('k', 'x'.repeat(fits + 1))).toThrow(RecordProductionError);
    expect(() => store.put('k', 'x'.repeat(fits + 1))).toThrow(`for ${CHANGELOG} exceeds max.message.bytes 1000`);
    expect(store.get('k')).toHaveLength(fits);
    expect(state.drainChangelogs()[0]?.records).toHaveLength(1);
  });
});
