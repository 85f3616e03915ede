import { crc32c } from '@node-rs/crc32';
import type { IHeaders } from 'kafkajs';
import { codecById } from '../compression/codecs';

/** One record to append: what a kafkajs `Message` carries, with the timestamp as epoch ms. */
export interface OutgoingRecord {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: number;
  readonly headers: IHeaders | undefined;
}

/** baseOffset … recordCount: the fixed part of a RecordBatch (magic v2). */
const BATCH_HEADER_BYTES = 61;
const CRC_POSITION = 17;
const CRC_COVERS_FROM = 21;
const ATTRIBUTES_POSITION = 21;
const NO_PRODUCER_ID = -1n;

/**
 * Encodes records as one RecordBatch (magic v2), as the Java producer writes it for a
 * non-idempotent producer: base offset 0 (the broker assigns offsets), no producer id, epoch or
 * sequence, create-time timestamps as deltas from the first record's, the records section compressed
 * with the codec whose id is given (kafkajs' CompressionTypes numbering), CRC-32C over attributes
 * to the end. Sizes are computed first, so every record is written once into one buffer.
 */
export function encodeRecordBatch(records: readonly OutgoingRecord[], compression = 0): Buffer {
  if (records.length === 0) throw new Error('a record batch needs at least one record');
  const baseTimestamp = records[0]!.timestamp;
  let maxTimestamp = baseTimestamp;
  const headerLists: ([Buffer, Buffer | null][] | undefined)[] = new Array(records.length);
  let recordsBytes = 0;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    if (r.timestamp > maxTimestamp) maxTimestamp = r.timestamp;
    const headers = headerList(r.headers);
    headerLists[i] = headers;
    const body = recordBodyBytes(r, r.timestamp - baseTimestamp, i, headers);
    recordsBytes += varintBytes(body) + body;
  }
  const out = Buffer.allocUnsafe(BATCH_HEADER_BYTES + recordsBytes);
  let p = BATCH_HEADER_BYTES;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    const headers = headerLists[i];
    const delta = r.timestamp - baseTimestamp;
    p = writeVarint(out, p, recordBodyBytes(r, delta, i, headers));
    out[p++] = 0; // record attributes
    p = writeVarint(out, p, delta);
    p = writeVarint(out, p, i);
    p = writeBytes(out, p, r.key);
    p = writeBytes(out, p, r.value);
    p = writeVarint(out, p, headers?.length ?? 0);
    if (headers) for (const [name, value] of headers) p = writeBytes(out, writeBytes(out, p, name), value);
  }
  const payload = compression === 0 ? out : Buffer.concat([out.subarray(0, BATCH_HEADER_BYTES), codecById(compression).compress(out.subarray(BATCH_HEADER_BYTES))]);
  payload.writeBigInt64BE(0n, 0);
  payload.writeInt32BE(payload.length - 12, 8);
  payload.writeInt32BE(-1, 12); // partition leader epoch
  payload.writeInt8(2, 16); // magic
  payload.writeInt16BE(compression & 0x07, ATTRIBUTES_POSITION);
  payload.writeInt32BE(records.length - 1, 23); // last offset delta
  payload.writeBigInt64BE(BigInt(baseTimestamp), 27);
  payload.writeBigInt64BE(BigInt(maxTimestamp), 35);
  payload.writeBigInt64BE(NO_PRODUCER_ID, 43);
  payload.writeInt16BE(-1, 51); // producer epoch
  payload.writeInt32BE(-1, 53); // base sequence
  payload.writeInt32BE(records.length, 57);
  payload.writeUInt32BE(crc32c(payload.subarray(CRC_COVERS_FROM)) >>> 0, CRC_POSITION);
  return payload;
}

/** Headers as written: a header given as an array becomes one header per element, in order (as kafkajs). */
function headerList(headers: IHeaders | undefined): [Buffer, Buffer | null][] | undefined {
  if (!headers) return undefined;
  let list: [Buffer, Buffer | null][] | undefined;
  for (const name in headers) {
    if (!Object.prototype.hasOwnProperty.call(headers, name)) continue;
    const value = headers[name];
    if (value === undefined) continue;
    const key = Buffer.from(name, 'utf8');
    for (const v of Array.isArray(value) ? value : [value]) (list ??= []).push([key, asBuffer(v)]);
  }
  return list;
}

function asBuffer(value: Buffer | string | null): Buffer | null {
  return value === null || Buffer.isBuffer(value) ? value : Buffer.from(value, 'utf8');
}

function recordBodyBytes(r: OutgoingRecord, timestampDelta: number, offsetDelta: number, headers: [Buffer, Buffer | null][] | undefined): number {
  let n = 1 + varintBytes(timestampDelta) + varintBytes(offsetDelta) + bytesField(r.key) + bytesField(r.value) + varintBytes(headers?.length ?? 0);
  if (headers) for (const [name, value] of headers) n += bytesField(name) + bytesField(value);
  return n;
}

function bytesField(value: Buffer | null): number {
  return value === null ? 1 : varintBytes(value.length) + value.length;
}

/** Bytes of a zigzag varint (safe integers). */
function varintBytes(value: number): number {
  let rest = value >= 0 ? value * 2 : -value * 2 - 1;
  let n = 1;
  while (rest >= 0x80) {
    rest = Math.floor(rest / 0x80);
    n++;
  }
  return n;
}

function writeVarint(out: Buffer, position: number, value: number): number {
  let rest = value >= 0 ? value * 2 : -value * 2 - 1;
  let p = position;
  while (rest >= 0x80) {
    out[p++] = (rest % 0x80) | 0x80;
    rest = Math.floor(rest / 0x80);
  }
  out[p++] = rest;
  return p;
}

function writeBytes(out: Buffer, position: number, value: Buffer | null): number {
  if (value === null) return writeVarint(out, position, -1);
  const p = writeVarint(out, position, value.length);
  value.copy(out, p);
  return p + value.length;
}
