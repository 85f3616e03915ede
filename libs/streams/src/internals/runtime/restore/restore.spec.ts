import type { KafkaMessage } from 'kafkajs';
import { inputOffsets, shareOut } from './restore-consumers';
import { RestoreLedger, within } from './restore-ledger';
import { INPUT_OFFSETS_HEADER, type RestoreRequest } from './restore-request';
import { EventHub } from '../events';

const message = (offset: number, headers: KafkaMessage['headers'] = {}): KafkaMessage => ({
  offset: String(offset),
  key: Buffer.from(`k${offset}`),
  value: Buffer.from('v'),
  timestamp: '0',
  attributes: 0,
  headers,
});
const offsets = (messages: readonly KafkaMessage[]) => messages.map((m) => Number(m.offset));
const at = (m: KafkaMessage) => BigInt(m.offset);

describe('restorer batch helpers', () => {
  it('keeps the messages inside [from, end) and returns the batch itself when all are inside', () => {
    const batch = [10, 11, 12, 13, 14].map((o) => message(o));
    expect(within(batch, at, 10n, 15n)).toBe(batch);
    expect(offsets(within(batch, at, 12n, 15n))).toEqual([12, 13, 14]);
    expect(offsets(within(batch, at, 10n, 13n))).toEqual([10, 11, 12]);
    expect(offsets(within(batch, at, 11n, 12n))).toEqual([11]);
    expect(within(batch, at, 15n, 20n)).toEqual([]);
    expect(within([], at, 0n, 1n)).toEqual([]);
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

describe('RestoreLedger', () => {
  function setup() {
    const applied: { offsets: number[]; last: string; inputs?: Map<string, string> }[] = [];
    const state = {
      taskId: '0_1',
      applyRestoreBatch: (_b: unknown, writes: readonly KafkaMessage[], last: string, inputs?: Map<string, string>) =>
        applied.push({ offsets: offsets(writes), last, ...(inputs ? { inputs } : {}) }),
    };
    const request = { state, binding: { store: 's', topic: 'cl', partition: 1 }, from: 5n, end: 9n } as unknown as RestoreRequest;
    const events = new EventHub();
    const seen: string[] = [];
    events.on('restore.start', (p) => seen.push(`start ${p.restored}`));
    events.on('restore.batch', (p) => seen.push(`batch ${p.restored}`));
    events.on('restore.end', (p) => seen.push(`end ${p.restored}`));
    return { ledger: new RestoreLedger([request], events), applied, seen };
  }

  it('applies only [next, end), counts after applying, and ends once the position reached the end', () => {
    const { ledger, applied, seen } = setup();
    ledger.start();
    ledger.apply('cl', 1, [3, 4, 5, 6].map((o) => message(o)), at, inputOffsets);
    expect(ledger.next('cl', 1)).toBe(7n);
    // a reader that starts over at a batch boundary: 5 and 6 are not applied twice
    ledger.apply('cl', 1, [5, 6, 7, 8, 9].map((o) => message(o)), at, inputOffsets);
    expect(applied.map((a) => a.offsets)).toEqual([[5, 6], [7, 8]]);
    expect(applied.map((a) => a.last)).toEqual(['6', '8']);
    expect(ledger.reached('cl', 1, 8n)).toBe(false);
    expect(ledger.reached('cl', 1, 9n)).toBe(true);
    expect(ledger.remaining).toBe(0);
    expect(ledger.wants('cl', 1)).toBe(false);
    expect(seen).toEqual(['start 0', 'batch 2', 'batch 4', 'end 4']);
  });

  it('hands the unfinished requests on from their next offset', () => {
    const { ledger } = setup();
    ledger.apply('cl', 1, [5].map((o) => message(o)), at, inputOffsets);
    expect(ledger.unfinished().map((r) => [r.from, r.end])).toEqual([[6n, 9n]]);
    ledger.apply('other', 0, [5].map((o) => message(o)), at, inputOffsets);
    expect(ledger.unfinished()).toHaveLength(1);
  });
});
