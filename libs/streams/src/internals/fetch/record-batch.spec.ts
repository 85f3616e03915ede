import { FetchError } from './errors';
import { decodeRecordBatches, offsetAfterLastBatch, type FetchedRecord } from './record-batch';
import { Writer } from './wire';

/** A RecordBatch (magic 2) as a broker stores it; the CRC is not checked by the decoder, so it is left 0. */
function batch(baseOffset: number, records: { key: string | null; value: string | null; headers?: [string, string][] }[], attributes = 0): Buffer {
  const body = new Writer();
  records.forEach((r, i) => {
    const record = new Writer();
    record.int8(0).varint(0).varint(i).varBytes(r.key).varBytes(r.value).varint(r.headers?.length ?? 0);
    for (const [k, v] of r.headers ?? []) record.varBytes(k).varBytes(v);
    body.varint(record.length).raw(record.toBuffer());
  });
  const out = new Writer();
  out.int64(baseOffset).int32(0).int32(0).int8(2).uint32(0).int16(attributes).int32(records.length - 1);
  out.int64(0).int64(0).int64(-1).int16(-1).int32(-1).int32(records.length).raw(body.toBuffer());
  out.int32At(8, out.length - 12);
  return Buffer.from(out.toBuffer());
}

const decoded = (out: FetchedRecord[]) => out.map((r) => [r.offset, r.key?.toString() ?? null, r.value?.toString() ?? null, r.headers?.map(([k, v]) => `${k}=${v}`)]);

describe('decodeRecordBatches', () => {
  it('decodes keys, values, nulls and headers as views, inside [min, max)', () => {
    const data = Buffer.concat([batch(10, [{ key: 'a', value: '1' }, { key: null, value: null, headers: [['h', 'x']] }]), batch(12, [{ key: 'c', value: '3' }])]);
    const out: FetchedRecord[] = [];
    expect(decodeRecordBatches(data, out)).toBe(13n);
    expect(decoded(out)).toEqual([[10, 'a', '1', undefined], [11, null, null, ['h=x']], [12, 'c', '3', undefined]]);
    const inside: FetchedRecord[] = [];
    decodeRecordBatches(data, inside, 11, 12);
    expect(decoded(inside)).toEqual([[11, null, null, ['h=x']]]);
  });

  it('ignores a truncated trailing batch: the position stays after the last complete one', () => {
    const whole = batch(0, [{ key: 'a', value: '1' }]);
    const cut = batch(1, [{ key: 'b', value: '2' }]).subarray(0, 40);
    const out: FetchedRecord[] = [];
    expect(decodeRecordBatches(Buffer.concat([whole, cut]), out)).toBe(1n);
    expect(out).toHaveLength(1);
    expect(offsetAfterLastBatch(Buffer.concat([whole, cut]))).toBe(1n);
    expect(offsetAfterLastBatch(cut)).toBeUndefined();
  });

  it('refuses a codec it cannot decode with a non-retriable FetchError (the restorer then falls back to kafkajs)', () => {
    const snappy = batch(0, [{ key: 'a', value: '1' }], 2);
    let failure: unknown;
    try {
      decodeRecordBatches(snappy, []);
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(FetchError);
    expect((failure as FetchError).retriable).toBe(false);
    expect((failure as Error).message).toContain('snappy');
  });
});
