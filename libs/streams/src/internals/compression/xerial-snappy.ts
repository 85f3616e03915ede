import { DecompressionError } from './errors';

/**
 * The framing that the Java client's snappy codec (snappy-java's SnappyOutputStream) writes around
 * raw snappy blocks: an 8-byte magic, two int32 versions, then blocks of int32 length + raw snappy
 * data. Other clients (kafkajs codecs, some librdkafka versions) write one raw snappy block instead,
 * which is why `unframe` accepts both.
 */
const MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]); // \x82SNAPPY\0
const HEADER_BYTES = MAGIC.length + 8;
/** Uncompressed bytes per block, as snappy-java's default. */
export const XERIAL_BLOCK_BYTES = 32 * 1024;

export type RawSnappy = (input: Buffer) => Buffer;

export function hasXerialHeader(data: Buffer): boolean {
  return data.length >= HEADER_BYTES && data.subarray(0, MAGIC.length).equals(MAGIC);
}

/** Raw snappy blocks of at most XERIAL_BLOCK_BYTES each, framed as snappy-java writes them (version 1, compatible 1). */
export function frameXerial(data: Buffer, compress: RawSnappy): Buffer {
  const parts: Buffer[] = [];
  const header = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(header);
  header.writeInt32BE(1, MAGIC.length);
  header.writeInt32BE(1, MAGIC.length + 4);
  parts.push(header);
  for (let start = 0; start < data.length; start += XERIAL_BLOCK_BYTES) {
    const block = compress(data.subarray(start, Math.min(data.length, start + XERIAL_BLOCK_BYTES)));
    const length = Buffer.alloc(4);
    length.writeInt32BE(block.length);
    parts.push(length, block);
  }
  return Buffer.concat(parts);
}

/** Decompresses xerial-framed blocks, or the whole input as one raw snappy block when it has no xerial header. */
export function unframeXerial(data: Buffer, uncompress: RawSnappy): Buffer {
  if (!hasXerialHeader(data)) return uncompress(data);
  const parts: Buffer[] = [];
  let position = HEADER_BYTES;
  while (position < data.length) {
    if (data.length - position < 4) throw new DecompressionError(`snappy: truncated block length at byte ${position}`);
    const length = data.readInt32BE(position);
    position += 4;
    if (length < 0 || length > data.length - position) {
      throw new DecompressionError(`snappy: block of ${length} bytes at byte ${position} exceeds the ${data.length - position} bytes left`);
    }
    parts.push(uncompress(data.subarray(position, position + length)));
    position += length;
  }
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}
