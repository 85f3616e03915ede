import { silentLogger } from '@platform/common';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SyncSerde } from '../../api/serde';
import type { StoreSpec } from '../topology/spec';
import { localTaskOffsets } from './state-directory';
import { TaskState } from './task-state';

const utf8: SyncSerde<string> = { serialize: (_t, v) => Buffer.from(v), deserialize: (_t, d) => d.toString() };
const logged: StoreSpec = { name: 'logged', keySerde: utf8, valueSerde: utf8, changelog: { kind: 'internal' } };
const table: StoreSpec = { name: 'table', keySerde: utf8, valueSerde: utf8, changelog: { kind: 'source', topic: { kind: 'external', name: 'users' } } };

describe('TaskState', () => {
  let root: string;
  const open = () =>
    new TaskState({
      dir: path.join(root, 'app-v1', '0_2'),
      taskId: '0_2',
      partition: 2,
      stores: [logged, table],
      changelogTopic: (s) => (s.changelog.kind === 'internal' ? { kind: 'internal', topic: 'app-v1-logged-changelog' } : { kind: 'source', topic: 'users' }),
      logger: silentLogger,
    });
  beforeEach(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'task-state-'))));
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('drains deduplicated changelog records and commits data with changelog and input offsets', () => {
    const state = open();
    const store = state.storeFactory(logged, '0_2', 2);
    const users = state.storeFactory(table, '0_2', 2);
    store.put('a', '1');
    store.put('a', '2');
    store.delete('b');
    users.put('u', 'U');
    const [batch] = state.drainChangelogs();
    expect(batch?.binding.topic).toBe('app-v1-logged-changelog');
    expect(batch?.records.map((r) => [r.key.toString(), r.value?.toString() ?? null])).toEqual([
      ['a', '2'],
      ['b', null],
    ]);
    expect(state.drainChangelogs()).toEqual([]);
    state.commit(() => (store.flush(), users.flush()), new Map([['logged', '41']]), new Map([['users|2', '10'], ['clicks|2', '7']]));
    expect(Object.fromEntries(state.offsets())).toEqual({
      'changelog|app-v1-logged-changelog|2': '41',
      'changelog|users|2': '9',
      'input|users|2': '10',
      'input|clicks|2': '7',
    });
    state.close();
    expect(localTaskOffsets(root, 'app-v1')).toEqual({ '0_2': 42 + 10 });
    const reopened = open();
    expect(reopened.outcome).toBe('reused');
    expect(reopened.storeFactory(logged, '0_2', 2).get('a')).toBe('2');
    reopened.close();
  });

  it('applies restore batches with their offset and keeps the highest announced input position', () => {
    const state = open();
    const [binding] = state.bindings;
    state.applyRestoreBatch(binding!, [{ key: Buffer.from('k'), value: Buffer.from('v') }], '5', new Map([['clicks|2', '30']]));
    state.applyRestoreBatch(binding!, [{ key: Buffer.from('k'), value: null }], '6', new Map([['clicks|2', '20']]));
    expect(state.storedChangelogOffset(binding!)).toBe('6');
    expect(state.storedInputOffsets().get('clicks|2')).toBe('30');
    expect(state.storeFactory(logged, '0_2', 2).get('k')).toBeUndefined();
    state.close();
  });
});
