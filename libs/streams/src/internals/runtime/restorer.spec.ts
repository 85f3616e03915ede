import type { KafkaMessage } from 'kafkajs';
import { INPUT_OFFSETS_HEADER, inputOffsets, shareOut, within, type RestoreRequest } from './restorer';

const message = (offset: number, headers: KafkaMessage['headers'] = {}): KafkaMessage => ({
  offset: String(offset),
  key: Buffer.from(`k${offset}`),
  value: Buffer.from('v'),
  timestamp: '0',
  attributes: 0,
  headers,
});
const offsets = (messages: KafkaMessage[]) => messages.map((m) => Number(m.offset));

describe('restorer batch helpers', () => {
  it('keeps the messages inside [from, end) and returns the batch itself when all are inside', () => {
    const batch = [10, 11, 12, 13, 14].map((o) => message(o));
    expect(within(batch, 10n, 15n)).toBe(batch);
    expect(offsets(within(batch, 12n, 15n))).toEqual([12, 13, 14]);
    expect(offsets(within(batch, 10n, 13n))).toEqual([10, 11, 12]);
    expect(offsets(within(batch, 11n, 12n))).toEqual([11]);
    expect(within(batch, 15n, 20n)).toEqual([]);
    expect(within([], 0n, 1n)).toEqual([]);
  });

  it('reads the input offsets of the last well-formed commit header', () => {
    const header = (value: object | string) => ({ [INPUT_OFFSETS_HEADER]: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)) });
    expect(inputOffsets([message(1), message(2)])).toBeUndefined();
    const batch = [message(1, header({ 'in|0': '5' })), message(2), message(3, header({ 'in|0': '9', 'in|1': '4' })), message(4, header('{oops'))];
    expect(inputOffsets(batch)).toEqual(new Map([['in|0', '9'], ['in|1', '4']]));
    expect(inputOffsets(batch.slice(0, 2))).toEqual(new Map([['in|0', '5']]));
  });
});

describe('shareOut', () => {
  const request = (partition: number, records: number): RestoreRequest =>
    ({ binding: { store: 's', topic: 'cl', partition }, from: 10n, end: 10n + BigInt(records) }) as unknown as RestoreRequest;
  const partitions = (shares: RestoreRequest[][]) => shares.map((share) => share.map((r) => r.binding.partition));

  it('balances the shares by record count, every request in exactly one share', () => {
    const shares = shareOut([request(0, 100), request(1, 10), request(2, 60), request(3, 50)], 2);
    expect(partitions(shares)).toEqual([[0, 1], [2, 3]]);
    const sizes = shares.map((share) => share.reduce((sum, r) => sum + Number(r.end - r.from), 0));
    expect(sizes).toEqual([110, 110]);
  });

  it('never makes an empty share: one request gets one consumer', () => {
    expect(partitions(shareOut([request(4, 5)], 2))).toEqual([[4]]);
    expect(partitions(shareOut([request(0, 5), request(1, 5)], 1))).toEqual([[0, 1]]);
  });
});
