import { crc32c } from '@node-rs/crc32';
import { codecById } from '../compression/codecs';
import { FetchError } from './errors';
import { ABORT_MARKER, decodeBatchesFrom, decodeRecordBatches, offsetAfterLastBatch, type BatchInfo, type FetchedRecord } from './record-batch';
import { Reader, Writer } from './wire';

interface TestRecord {
  offsetDelta: number;
  key: string | null;
  value: string | null;
  headers?: [string, string | null][];
}

interface TestBatch {
  baseOffset: number;
  records: TestRecord[];
  compression?: number;
  transactional?: boolean;
  control?: number; // control type: the batch holds one control record
  producerId?: number;
}

function encodeRecord(record: TestRecord): Buffer {
  const body = new Writer().int8(0).varint(7).varint(record.offsetDelta).varBytes(record.key).varBytes(record.value);
  body.varint(record.headers?.length ?? 0);
  for (const [key, value] of record.headers ?? []) body.varBytes(key).varBytes(value);
  const bytes = Buffer.from(body.toBuffer());
  return Buffer.from(new Writer().varint(bytes.length).raw(bytes).toBuffer());
}

function encodeBatch(batch: TestBatch): Buffer {
  let records: Buffer[];
  if (batch.control !== undefined) {
    const key = new Writer().int16(0).int16(batch.control).toBuffer();
    const body = new Writer().int8(0).varint(0).varint(0).varBytes(Buffer.from(key)).varBytes(Buffer.from([0, 0, 0, 0, 0, 0])).varint(0);
    const bytes = Buffer.from(body.toBuffer());
    records = [Buffer.from(new Writer().varint(bytes.length).raw(bytes).toBuffer())];
  } else {
    records = batch.records.map(encodeRecord);
  }
  let payload: Buffer = Buffer.concat(records);
  const compression = batch.compression ?? 0;
  if (compression !== 0) payload = codecById(compression).compress(payload);
  const attributes = compression | (batch.transactional || batch.control !== undefined ? 0x10 : 0) | (batch.control !== undefined ? 0x20 : 0);
  const lastOffsetDelta = batch.control !== undefined ? 0 : Math.max(...batch.records.map((r) => r.offsetDelta));
  const w = new Writer();
  w.int64(batch.baseOffset).int32(0); // batchLength, patched below
  w.int32(0).int8(2).uint32(0).int16(attributes).int32(lastOffsetDelta).int64(0).int64(0);
  w.int64(batch.producerId ?? -1).int16(0).int32(0).int32(records.length).raw(payload);
  w.int32At(8, w.length - 12);
  return sealCrc(Buffer.from(w.toBuffer()));
}

/** Writes the batch's CRC-32C (attributes to the end), as a producer does. */
function sealCrc(data: Buffer): Buffer {
  data.writeUInt32BE(crc32c(data.subarray(21)) >>> 0, 17);
  return data;
}

const decode = (data: Buffer, min?: number, max?: number, accept?: (b: BatchInfo) => boolean) => {
  const out: FetchedRecord[] = [];
  const next = decodeRecordBatches(data, out, min, max, accept);
  return { out, next };
};
const text = (b: Buffer | null) => (b === null ? null : b.toString());
const plain = (records: FetchedRecord[]) =>
  records.map((r) => ({ offset: r.offset, key: text(r.key), value: text(r.value), headers: r.headers?.map(([k, v]) => [k, text(v)]) }));

describe('wire', () => {
  it('round-trips ints, varints, varlongs and strings', () => {
    const w = new Writer(4).int8(-3).int16(-300).int32(-70000).int64(-5n).string('héllo').string(null).bytes(Buffer.from('ab')).bytes(null);
    for (const v of [0, 1, -1, 63, -64, 64, 300, -300, 2 ** 31 - 1, -(2 ** 31)]) w.varint(v);
    w.varint(2 ** 40 + 3).varint(-(2 ** 45));
    const r = new Reader(Buffer.from(w.toBuffer()));
    expect([r.int8(), r.int16(), r.int32(), r.int64(), r.string(), r.nullableString()]).toEqual([-3, -300, -70000, -5n, 'héllo', null]);
    expect(text(r.nullableBytes())).toBe('ab');
    expect(r.nullableBytes()).toBeNull();
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map(() => r.varint())).toEqual([0, 1, -1, 63, -64, 64, 300, -300, 2 ** 31 - 1, -(2 ** 31)]);
    expect([r.varlong(), r.varlong()]).toEqual([2 ** 40 + 3, -(2 ** 45)]);
    expect(r.remaining).toBe(0);
    expect(() => r.int8()).toThrow(FetchError);
  });
});

describe('decodeRecordBatches', () => {
  it('decodes a plain batch with keys, values, headers and nulls as views of the input', () => {
    const data = encodeBatch({
      baseOffset: 100,
      records: [
        { offsetDelta: 0, key: 'k0', value: 'v0' },
        { offsetDelta: 1, key: null, value: 'v1', headers: [['h', 'x'], ['n', null]] },
        { offsetDelta: 3, key: 'k3', value: null },
      ],
    });
    const { out, next } = decode(data);
    expect(next).toBe(104n);
    expect(plain(out)).toEqual([
      { offset: 100, key: 'k0', value: 'v0', headers: undefined },
      { offset: 101, key: null, value: 'v1', headers: [['h', 'x'], ['n', null]] },
      { offset: 103, key: 'k3', value: null, headers: undefined },
    ]);
    expect(out[0].key?.buffer).toBe(data.buffer);
  });

  it.each([
    ['gzip', 1],
    ['snappy', 2],
    ['lz4', 3],
    ['zstd', 4],
  ])('decodes %s batches next to plain ones', (_name, compression) => {
    const data = Buffer.concat([
      encodeBatch({ baseOffset: 0, compression, records: [0, 1, 2].map((i) => ({ offsetDelta: i, key: `k${i}`, value: `v${i}`, headers: [['i', `${i}`]] })) }),
      encodeBatch({ baseOffset: 3, records: [{ offsetDelta: 0, key: 'k3', value: 'v3' }] }),
    ]);
    const { out, next } = decode(data);
    expect(next).toBe(4n);
    expect(plain(out).map((r) => [r.offset, r.key, r.value, r.headers])).toEqual([
      [0, 'k0', 'v0', [['i', '0']]],
      [1, 'k1', 'v1', [['i', '1']]],
      [2, 'k2', 'v2', [['i', '2']]],
      [3, 'k3', 'v3', undefined],
    ]);
  });

  it('ignores a truncated trailing batch', () => {
    const first = encodeBatch({ baseOffset: 10, records: [{ offsetDelta: 0, key: 'a', value: 'b' }] });
    const second = encodeBatch({ baseOffset: 11, records: [{ offsetDelta: 0, key: 'c', value: 'd' }] });
    for (const cut of [5, 30, second.length - 1]) {
      const data = Buffer.concat([first, second.subarray(0, cut)]);
      const { out, next } = decode(data);
      expect(out.map((r) => r.offset)).toEqual([10]);
      expect(next).toBe(11n);
      expect(offsetAfterLastBatch(data)).toBe(11n);
    }
    expect(offsetAfterLastBatch(second.subarray(0, 20))).toBeUndefined();
    expect(decode(Buffer.alloc(0)).next).toBeUndefined();
  });

  it('keeps only offsets inside [min, max)', () => {
    const data = Buffer.concat([
      encodeBatch({ baseOffset: 0, records: [0, 1, 2, 3].map((i) => ({ offsetDelta: i, key: `k${i}`, value: 'v' })) }),
      encodeBatch({ baseOffset: 4, records: [0, 1].map((i) => ({ offsetDelta: i, key: `k${4 + i}`, value: 'v' })) }),
    ]);
    expect(decode(data, 2, 5).out.map((r) => r.offset)).toEqual([2, 3, 4]);
  });

  it('passes control batches to accept with their type and never delivers them; drops rejected batches', () => {
    const data = Buffer.concat([
      encodeBatch({ baseOffset: 0, transactional: true, producerId: 7, records: [{ offsetDelta: 0, key: 'a', value: 'x' }] }),
      encodeBatch({ baseOffset: 1, control: ABORT_MARKER, producerId: 7, records: [] }),
      encodeBatch({ baseOffset: 2, records: [{ offsetDelta: 0, key: 'b', value: 'y' }] }),
    ]);
    const seen: [bigint, boolean, boolean, number][] = [];
    const { out, next } = decode(data, 0, 100, (b) => {
      seen.push([b.baseOffset, b.isTransactional, b.isControl, b.controlType]);
      return !b.isTransactional;
    });
    expect(seen).toEqual([[0n, true, false, -1], [1n, true, true, ABORT_MARKER], [2n, false, false, -1]]);
    expect(out.map((r) => r.offset)).toEqual([2]);
    expect(next).toBe(3n);
  });

  it('decodes in slices that end at batch boundaries', () => {
    const data = Buffer.concat([0, 3, 6].map((base) => encodeBatch({ baseOffset: base, records: [0, 1, 2].map((i) => ({ offsetDelta: i, key: `k${base + i}`, value: 'v' })) })));
    const cursor = { position: 0, next: undefined as bigint | undefined };
    const slices: number[][] = [];
    let finished = false;
    while (!finished) {
      const out: FetchedRecord[] = [];
      finished = decodeBatchesFrom(data, cursor, out, 1, 8, () => true, 4);
      slices.push(out.map((r) => r.offset));
    }
    expect(slices).toEqual([[1, 2, 3, 4, 5], [6, 7]]);
    expect(cursor.next).toBe(9n);
  });

  it('throws a non-retriable FetchError for a codec id Kafka does not define', () => {
    const data = encodeBatch({ baseOffset: 0, records: [{ offsetDelta: 0, key: 'a', value: 'b' }] });
    data.writeInt16BE(5, 12 + 4 + 1 + 4); // attributes: codec 5
    sealCrc(data);
    const error = (() => {
      try {
        decode(data);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(FetchError);
    expect((error as FetchError).retriable).toBe(false);
    expect((error as FetchError).message).toMatch(/unknown compression codec id 5 \(batch at offset 0\)/);
  });

  it('checks every batch against its CRC-32C: one flipped byte is a retriable FetchError naming the offset', () => {
    const first = encodeBatch({ baseOffset: 0, records: [{ offsetDelta: 0, key: 'a', value: 'b' }] });
    const second = encodeBatch({ baseOffset: 1, records: [{ offsetDelta: 0, key: 'c', value: 'value that gets corrupted' }] });
    expect(plain(decode(Buffer.concat([first, second])).out).map((r) => r.value)).toEqual(['b', 'value that gets corrupted']);
    second[second.length - 5] ^= 0x01;
    const error = (() => {
      try {
        decode(Buffer.concat([first, second]));
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(FetchError);
    expect((error as FetchError).retriable).toBe(true);
    expect((error as FetchError).message).toMatch(/corrupt record batch at offset 1: CRC-32C/);
  });
});
