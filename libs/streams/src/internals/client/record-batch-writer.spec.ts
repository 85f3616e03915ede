import { decodeRecordBatches, type FetchedRecord } from '../fetch/record-batch';
import { codecAvailable } from '../compression/codec-packages';
import { Reader } from '../fetch/wire';
import { encodeRecordBatch, type OutgoingRecord } from './record-batch-writer';

const text = (b: Buffer | null) => (b === null ? null : b.toString('utf8'));

describe('encodeRecordBatch', () => {
  const records: OutgoingRecord[] = [
    { key: Buffer.from('k1'), value: Buffer.from('v1'), timestamp: 1_700_000_000_000, headers: undefined },
    { key: null, value: Buffer.from('no key'), timestamp: 1_700_000_000_500, headers: { trace: 'abc', bin: Buffer.from([0, 255]) } },
    { key: Buffer.from('tomb'), value: null, timestamp: 1_699_999_999_000, headers: { multi: ['a', 'b'], ['__proto__']: 'x' } },
    { key: Buffer.from('big'), value: Buffer.alloc(70_000, 7), timestamp: 1_700_000_000_001, headers: {} },
  ];

  const decode = (batch: Buffer): FetchedRecord[] => {
    const out: FetchedRecord[] = [];
    expect(decodeRecordBatches(batch, out)).toBe(BigInt(records.length)); // CRC checked, offsets 0..n-1
    return out;
  };

  it('writes a magic-2 batch our reader decodes back, with headers in order and array headers repeated', () => {
    const batch = encodeRecordBatch(records);
    expect(batch.readInt8(16)).toBe(2);
    expect(batch.readInt32BE(8)).toBe(batch.length - 12);
    expect(batch.readBigInt64BE(27)).toBe(1_700_000_000_000n); // base timestamp: the first record's
    expect(batch.readBigInt64BE(35)).toBe(1_700_000_000_500n); // max timestamp
    expect(batch.readBigInt64BE(43)).toBe(-1n); // no producer id
    const out = decode(batch);
    expect(out.map((r) => [r.offset, text(r.key), r.value?.length ?? null])).toEqual([
      [0, 'k1', 2],
      [1, null, 6],
      [2, 'tomb', null],
      [3, 'big', 70_000],
    ]);
    expect(out[1]!.headers?.map(([k, v]) => [k, v?.toString('hex')])).toEqual([
      ['trace', Buffer.from('abc').toString('hex')],
      ['bin', '00ff'],
    ]);
    expect(out[2]!.headers?.map(([k, v]) => [k, text(v)])).toEqual([
      ['multi', 'a'],
      ['multi', 'b'],
      ['__proto__', 'x'],
    ]);
    expect(out[3]!.headers).toBeUndefined();
  });

  it("stores each record's timestamp as a delta from the batch's base timestamp (also negative)", () => {
    const batch = encodeRecordBatch(records);
    const base = batch.readBigInt64BE(27);
    const reader = new Reader(batch, 61);
    const timestamps: number[] = [];
    for (let i = 0; i < records.length; i++) {
      const end = reader.varint() + reader.offset;
      reader.skip(1); // attributes
      timestamps.push(Number(base) + reader.varlong());
      expect(reader.varint()).toBe(i); // offset delta
      reader.offset = end;
    }
    expect(timestamps).toEqual(records.map((r) => r.timestamp));
  });

  it('compresses the records section with every codec whose package is installed', () => {
    const codecs: [number, string][] = [
      [1, 'gzip'],
      [2, 'snappy'],
      [3, 'lz4'],
      [4, 'zstd'],
    ];
    const plain = encodeRecordBatch(records);
    for (const [id, name] of codecs) {
      if (name !== 'gzip' && !codecAvailable(name as 'snappy' | 'lz4' | 'zstd')) continue;
      const batch = encodeRecordBatch(records, id);
      expect([name, batch.readInt16BE(21) & 0x07]).toEqual([name, id]);
      expect([name, batch.length < plain.length]).toEqual([name, true]);
      expect(decode(batch).map((r) => [r.offset, text(r.key), r.value?.length ?? null])).toEqual(decode(plain).map((r) => [r.offset, text(r.key), r.value?.length ?? null]));
    }
  });

  it('refuses an empty batch', () => {
    expect(() => encodeRecordBatch([])).toThrow('a record batch needs at least one record');
  });
});
