import { gunzipSync, gzipSync } from 'node:zlib';
import { codecPackage, type NativeCodecName } from './codec-packages';
import { CompressionConfigError, DecompressionError } from './errors';
import { frameXerial, unframeXerial } from './xerial-snappy';

/** The codecs of Kafka's record batches, by their names in `compression.type`. */
export const COMPRESSION_NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
export type CompressionName = (typeof COMPRESSION_NAMES)[number];

/** zstd level of the Java client's default (`compression.zstd.level`). */
const ZSTD_LEVEL = 3;

/**
 * One codec as both the engine's fetch reader and kafkajs use it: synchronous, whole record-batch
 * payloads (the bytes after a batch's header) in and out.
 */
export interface BatchCodec {
  readonly name: CompressionName;
  /** The id in bits 0–2 of a record batch's attributes (kafkajs' CompressionTypes). */
  readonly id: number;
  compress(data: Buffer): Buffer;
  decompress(data: Buffer): Buffer;
}

const identity = (data: Buffer): Buffer => data;

const CODECS: readonly BatchCodec[] = [
  { name: 'none', id: 0, compress: identity, decompress: identity },
  { name: 'gzip', id: 1, compress: (data) => gzipSync(data), decompress: (data) => gunzipSync(data) },
  {
    name: 'snappy',
    id: 2,
    compress: (data) => frameXerial(data, (block) => codecPackage('snappy').compressSync(block)),
    decompress: (data) => unframeXerial(data, rawSnappy),
  },
  {
    name: 'lz4',
    id: 3,
    compress: (data) => codecPackage('lz4').compressFrameSync(data),
    decompress: (data) => codecPackage('lz4').decompressFrameSync(data),
  },
  {
    name: 'zstd',
    id: 4,
    compress: (data) => zstdEncoder().encodeSync(data),
    decompress: (data) => zstdDecoder().decodeSync(data),
  },
];

function rawSnappy(block: Buffer): Buffer {
  const out = codecPackage('snappy').uncompressSync(block, { asBuffer: true });
  return typeof out === 'string' ? Buffer.from(out) : out;
}

let encoder: { encodeSync(data: Buffer): Buffer } | undefined;
let decoder: { decodeSync(data: Buffer): Buffer } | undefined;
function zstdEncoder(): { encodeSync(data: Buffer): Buffer } {
  const { Encoder } = codecPackage('zstd');
  return (encoder ??= new Encoder(ZSTD_LEVEL));
}
function zstdDecoder(): { decodeSync(data: Buffer): Buffer } {
  const { Decoder } = codecPackage('zstd');
  return (decoder ??= new Decoder());
}

/** The codec for a record batch's attribute id; a CompressionConfigError for an id Kafka does not define. */
export function codecById(id: number): BatchCodec {
  const codec = CODECS[id];
  if (!codec) throw new CompressionConfigError(`unknown compression codec id ${id}`);
  return codec;
}

/** The codec named as in `compression.type`; a CompressionConfigError for any other name. */
export function codecByName(name: string): BatchCodec {
  const codec = CODECS.find((c) => c.name === name);
  if (!codec) throw new CompressionConfigError(`unknown compression "${name}" (expected one of ${COMPRESSION_NAMES.join(', ')})`);
  return codec;
}

/**
 * Checks that a codec can run here: loads its package (a CompressionConfigError naming the package
 * when it is missing) and round-trips a few bytes. Returns the codec.
 */
export function requireCodec(name: string): BatchCodec {
  const codec = codecByName(name);
  if (codec.id > 1) {
    const probe = Buffer.from('compression probe compression probe');
    const back = codec.decompress(codec.compress(probe));
    if (!back.equals(probe)) throw new CompressionConfigError(`${name} compression does not round-trip here`);
  }
  return codec;
}

/**
 * Decompresses the records of a batch compressed with codec `id`. A missing codec package is a
 * CompressionConfigError; bytes the codec rejects are a DecompressionError naming the codec.
 */
export function decompressRecords(id: number, data: Buffer): Buffer {
  const codec = codecById(id);
  try {
    return codec.decompress(data);
  } catch (error) {
    if (error instanceof CompressionConfigError || error instanceof DecompressionError) throw error;
    throw new DecompressionError(`${codec.name} batch could not be decompressed: ${(error as Error).message}`, { cause: error });
  }
}

export type { NativeCodecName };
