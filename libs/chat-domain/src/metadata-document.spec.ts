import type { Metadata } from '@platform/schemas';
import { applyMetadataEntry, assembleMetadata, metadataAt, metadataLeaves, type MetadataEntries } from './metadata-document';
import { metadataRecord, metadataRemoval, metadataUpsert, recordIdOf } from './metadata';

const conv = { kind: 'conversation', id: 'c1' } as const;
const rec = (key: string, value: Parameters<typeof metadataRecord>[2], ts: number): Metadata => metadataRecord(conv, key, value, ts);

describe('assembleMetadata', () => {
  it('nests dotted keys', () => {
    expect(
      assembleMetadata([rec('contact.display_name', 'Grace', 1), rec('contact.avatar_url', 'http://a', 2), rec('tags.t1', '', 3), rec('state', 'OPEN', 4)]),
    ).toEqual({ contact: { display_name: 'Grace', avatar_url: 'http://a' }, tags: { t1: '' }, state: 'OPEN' });
  });

  it('applies facts in timestamp order regardless of arrival order', () => {
    const a = rec('contact', 'scalar', 1);
    const b = rec('contact.display_name', 'Grace', 2);
    expect(assembleMetadata([a, b])).toEqual({ contact: { display_name: 'Grace' } });
    expect(assembleMetadata([b, a])).toEqual({ contact: { display_name: 'Grace' } });
    const c = rec('contact', 'later scalar', 3);
    expect(assembleMetadata([c, b, a])).toEqual({ contact: 'later scalar' });
  });

  it('parses typed values', () => {
    expect(assembleMetadata([rec('unread_count', 2, 1), rec('user_data.vip', true, 1), rec('user_data.list', ['a'], 1)])).toEqual({
      unread_count: 2,
      user_data: { vip: true, list: ['a'] },
    });
  });

  it('is empty for no facts', () => {
    expect(assembleMetadata([])).toEqual({});
  });
});

describe('applyMetadataEntry', () => {
  it('adds, replaces with newer and deletes on tombstone', () => {
    let entries: MetadataEntries = {};
    const first = metadataUpsert(conv, 'state', 'OPEN', 10);
    entries = applyMetadataEntry(entries, first.id, first.record);
    const second = metadataUpsert(conv, 'state', 'CLOSED', 20);
    entries = applyMetadataEntry(entries, second.id, second.record);
    expect(Object.values(entries).map((r) => r.value)).toEqual(['CLOSED']);
    entries = applyMetadataEntry(entries, second.id, null);
    expect(entries).toEqual({});
  });

  it('ignores an older record for the same id (out-of-order or re-delivered)', () => {
    const newer = rec('state', 'CLOSED', 20);
    const older = rec('state', 'OPEN', 10);
    const entries = applyMetadataEntry({}, recordIdOf(newer), newer);
    expect(applyMetadataEntry(entries, recordIdOf(older), older)).toBe(entries);
  });

  it('returns the same object when nothing changes', () => {
    const r = rec('state', 'OPEN', 10);
    const entries = applyMetadataEntry({}, recordIdOf(r), r);
    expect(applyMetadataEntry(entries, recordIdOf(r), { ...r })).toBe(entries);
    const removal = metadataRemoval(conv, 'other');
    expect(applyMetadataEntry(entries, removal.id, null)).toBe(entries);
  });
});

describe('metadataLeaves / metadataAt', () => {
  const doc = { contact: { display_name: 'Grace' }, tags: { t1: '', t2: '' }, user_data: { list: [1, 2], empty: {} }, state: 'OPEN' };

  it('lists leaves by dotted path (arrays and empty objects are leaves)', () => {
    expect(metadataLeaves(doc)).toEqual({
      'contact.display_name': 'Grace',
      'tags.t1': '',
      'tags.t2': '',
      'user_data.list': [1, 2],
      'user_data.empty': {},
      state: 'OPEN',
    });
  });

  it('reads a dotted path', () => {
    expect(metadataAt(doc, 'contact.display_name')).toBe('Grace');
    expect(metadataAt(doc, 'contact')).toEqual({ display_name: 'Grace' });
    expect(metadataAt(doc, 'state.x')).toBeUndefined();
    expect(metadataAt(doc, 'missing')).toBeUndefined();
  });
});
