import { crc32c } from '@node-rs/crc32';
import { decompressRecords } from '../compression/codecs';
import { FetchError } from './errors';
import { Reader } from './wire';

/** One record as restoration needs it: key and value are views into the fetch response (no copy). */
export interface FetchedRecord {
  offset: number;
  /** Milliseconds: the batch's first timestamp plus the record's delta (CreateTime), or the batch's max timestamp (LogAppendTime). */
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  /** undefined when the record has no headers. */
  headers: [key: string, value: Buffer | null][] | undefined;
}

/** The header fields of a RecordBatch (magic v2) that decide what happens to its records. */
export interface BatchInfo {
  baseOffset: bigint;
  lastOffsetDelta: number;
  producerId: bigint;
  isTransactional: boolean;
  isControl: boolean;
  /** Codec from attributes bits 0–2: 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd. */
  compression: number;
  /** For control batches the control record's type (ABORT_MARKER or COMMIT_MARKER), else -1. */
  controlType: number;
  baseTimestamp: number;
  maxTimestamp: number;
  /** Attributes bit 3: the broker's append time replaces every record's timestamp (the batch's max timestamp). */
  logAppendTime: boolean;
}

export const ABORT_MARKER = 0;
export const COMMIT_MARKER = 1;

/** baseOffset (8) + batchLength (4): batchLength counts the bytes after these. */
const LOG_OVERHEAD = 12;
/** partitionLeaderEpoch … recordCount, after LOG_OVERHEAD. */
const BATCH_HEADER = 49;
const MAGIC_POSITION = LOG_OVERHEAD + 4;
/** The batch's CRC-32C (after magic) covers everything from attributes to the end of the batch. */
const CRC_POSITION = MAGIC_POSITION + 1;
const CRC_COVERS_FROM = CRC_POSITION + 4;

/** Throws a retriable FetchError when the batch at [start, end) does not match its CRC-32C (as the Java client's check.crcs). */
export function checkBatchCrc(data: Buffer, start: number, end: number): void {
  const stored = data.readUInt32BE(start + CRC_POSITION);
  const computed = crc32c(data.subarray(start + CRC_COVERS_FROM, end)) >>> 0;
  if (stored !== computed) {
    const offset = data.readBigInt64BE(start);
    throw new FetchError(`corrupt record batch at offset ${offset}: CRC-32C ${computed.toString(16)} does not match ${stored.toString(16)}`, { retriable: true });
  }
}

/**
 * Offset after the last complete batch in a partition's `records` bytes (a truncated trailing batch is
 * ignored), or undefined when there is no complete batch. Reads only batch headers.
 */
export function offsetAfterLastBatch(data: Buffer): bigint | undefined {
  let position = 0;
  let last = -1;
  while (data.length - position >= LOG_OVERHEAD + BATCH_HEADER) {
    const size = LOG_OVERHEAD + data.readInt32BE(position + 8);
    if (position + size > data.length) break;
    last = position;
    position += size;
  }
  if (last < 0) return undefined;
  return data.readBigInt64BE(last) + BigInt(data.readInt32BE(last + LOG_OVERHEAD + 11)) + 1n;
}

/** Where a resumable decode stands: the byte position in `records` and the offset after the last batch read. */
export interface DecodeCursor {
  position: number;
  next: bigint | undefined;
}

/**
 * Decodes the complete record batches of a partition's `records` bytes. For each batch `accept` is called
 * first (also for control batches, whose records are never delivered); the records of accepted data batches
 * with offsets in [minOffset, maxOffset) are appended to `out`. Returns the offset after the last complete
 * batch, or undefined when there is none.
 */
export function decodeRecordBatches(
  data: Buffer,
  out: FetchedRecord[],
  minOffset = 0,
  maxOffset = Number.MAX_SAFE_INTEGER,
  accept: (batch: BatchInfo) => boolean = () => true,
): bigint | undefined {
  const cursor: DecodeCursor = { position: 0, next: undefined };
  decodeBatchesFrom(data, cursor, out, minOffset, maxOffset, accept, Infinity);
  return cursor.next;
}

/**
 * Like decodeRecordBatches, from `cursor.position`, stopping after the batch that brings `out` to `limit`
 * records (so records can be handed on in slices that die young). Advances the cursor; returns true when
 * no complete batch is left.
 */
export function decodeBatchesFrom(
  data: Buffer,
  cursor: DecodeCursor,
  out: FetchedRecord[],
  minOffset: number,
  maxOffset: number,
  accept: (batch: BatchInfo) => boolean,
  limit: number,
): boolean {
  const reader = new Reader(data, cursor.position);
  while (reader.remaining >= LOG_OVERHEAD + BATCH_HEADER) {
    if (out.length >= limit) {
      cursor.position = reader.offset;
      return false;
    }
    const start = reader.offset;
    const size = LOG_OVERHEAD + data.readInt32BE(start + 8);
    if (start + size > data.length) break; // a trailing batch the broker cut at max_bytes
    const magic = data.readInt8(start + MAGIC_POSITION);
    if (magic !== 2) throw new FetchError(`unsupported record batch magic ${magic}`, { retriable: false });
    checkBatchCrc(data, start, start + size);
    const batch = readBatchHeader(reader);
    cursor.next = batch.baseOffset + BigInt(batch.lastOffsetDelta) + 1n;
    const batchEnd = start + size;
    const recordCount = reader.int32();
    const base = Number(batch.baseOffset);
    const last = base + batch.lastOffsetDelta;
    if (!Number.isSafeInteger(last)) throw new FetchError(`offset ${batch.baseOffset} is above Number.MAX_SAFE_INTEGER`);
    const skipAll = last < minOffset || base >= maxOffset;
    if (batch.isControl && recordCount > 0) {
      const records = recordsReader(data, reader.offset, batchEnd, batch.compression, batch.baseOffset);
      batch.controlType = readControlType(records);
    }
    if (accept(batch) && !batch.isControl && !skipAll) {
      const records = recordsReader(data, reader.offset, batchEnd, batch.compression, batch.baseOffset);
      const fixedTimestamp = batch.logAppendTime ? batch.maxTimestamp : -1;
      for (let i = 0; i < recordCount; i++) readRecord(records, base, batch.baseTimestamp, fixedTimestamp, minOffset, maxOffset, out);
    }
    reader.offset = batchEnd;
  }
  cursor.position = data.length;
  return true;
}

function readBatchHeader(reader: Reader): BatchInfo {
  const baseOffset = reader.int64();
  reader.skip(4 + 4 + 1 + 4); // batchLength, partitionLeaderEpoch, magic, crc
  const attributes = reader.int16();
  const lastOffsetDelta = reader.int32();
  const baseTimestamp = reader.int64Number();
  const maxTimestamp = reader.int64Number();
  const producerId = reader.int64();
  reader.skip(2 + 4); // producerEpoch, baseSequence
  return {
    baseOffset,
    lastOffsetDelta,
    producerId,
    isTransactional: (attributes & 0x10) !== 0,
    isControl: (attributes & 0x20) !== 0,
    compression: attributes & 0x07,
    controlType: -1,
    baseTimestamp,
    maxTimestamp,
    logAppendTime: (attributes & 0x08) !== 0,
  };
}

function recordsReader(data: Buffer, start: number, end: number, compression: number, offset: bigint): Reader {
  if (compression === 0) return new Reader(data, start, end);
  let inflated: Buffer;
  try {
    inflated = decompressRecords(compression, data.subarray(start, end));
  } catch (error) {
    // corrupt bytes, a codec id Kafka does not define, or a codec whose package is not installed: not retriable here
    throw new FetchError(`${(error as Error).message} (batch at offset ${offset})`, { cause: error });
  }
  return new Reader(inflated);
}

/** The control record's key: version int16, type int16. */
function readControlType(reader: Reader): number {
  reader.varint(); // length
  reader.skip(1); // attributes
  reader.skipVarint(); // timestampDelta
  reader.skipVarint(); // offsetDelta
  const keyLength = reader.varint();
  if (keyLength < 4) throw new FetchError(`control record key of ${keyLength} bytes`);
  reader.int16(); // version
  return reader.int16();
}

/** `fixedTimestamp` >= 0: the batch's LogAppendTime, used for every record instead of its own. */
function readRecord(reader: Reader, base: number, baseTimestamp: number, fixedTimestamp: number, minOffset: number, maxOffset: number, out: FetchedRecord[]): void {
  const length = reader.varint();
  const end = reader.offset + length;
  reader.skip(1); // attributes
  const timestampDelta = reader.varlong();
  const offset = base + reader.varint();
  if (offset < minOffset || offset >= maxOffset) {
    reader.offset = end;
    return;
  }
  const key = reader.varBytes();
  const value = reader.varBytes();
  const headerCount = reader.varint();
  let headers: FetchedRecord['headers'];
  if (headerCount > 0) {
    headers = new Array(headerCount);
    for (let i = 0; i < headerCount; i++) headers[i] = [reader.varString(), reader.varBytes()];
  }
  out.push({ offset, timestamp: fixedTimestamp >= 0 ? fixedTimestamp : baseTimestamp + timestampDelta, key, value, headers });
  reader.offset = end;
}
