import { randomBytes } from 'node:crypto';
import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import { codecByName, decompressRecords, requireCodec } from './codecs';
import { registerKafkaJsCodecs } from './kafkajs-codecs';

const TEXT = Buffer.from('hello');

/** Hand-made frames as other clients write them, so decoding is checked against the formats, not only against our own encoder. */
const KNOWN: [name: string, id: number, bytes: Buffer][] = [
  // raw snappy: preamble varint length 5, literal tag (5 - 1) << 2, the bytes
  ['snappy, one raw block (kafkajs codecs, librdkafka)', 2, Buffer.concat([Buffer.from([0x05, 0x10]), TEXT])],
  // snappy-java's framing (the Java client): magic, versions 1/1, one block of 7 bytes
  ['snappy, xerial-framed (the Java client)', 2, Buffer.concat([Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 7, 0x05, 0x10]), TEXT])],
  // LZ4 frame as Kafka writes it: FLG 0x60 (version 1, independent blocks), BD 0x40 (64 KiB), header checksum 0x82;
  // one block stored uncompressed (size | 0x80000000), end mark
  ['lz4 frame (Kafka flags)', 3, Buffer.concat([Buffer.from([0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0x82, 0x05, 0x00, 0x00, 0x80]), TEXT, Buffer.alloc(4)])],
  // zstd frame without a content size (as streaming encoders such as zstd-jni write): FHD 0, window descriptor 0 (1 KiB),
  // one last raw block of 5 bytes: header (5 << 3) | 1 little-endian over 3 bytes
  ['zstd frame without content size (zstd-jni)', 4, Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x00, 0x29, 0x00, 0x00]), TEXT])],
];

describe('snappy, lz4 and zstd through their native packages', () => {
  it.each(KNOWN)('decodes %s', (_name, id, bytes) => {
    expect(decompressRecords(id, bytes).toString()).toBe('hello');
  });

  it.each(['snappy', 'lz4', 'zstd'])('%s round-trips repetitive and incompressible data of several blocks, and empty input', (name) => {
    const codec = requireCodec(name);
    const repetitive = Buffer.from('key-1 value-1 '.repeat(20_000));
    const random = randomBytes(200_000);
    // Buffer.equals: Jest's deep equality walks big buffers byte by byte
    for (const data of [repetitive, random, Buffer.alloc(0)]) expect(codec.decompress(codec.compress(data)).equals(data)).toBe(true);
    expect(codec.compress(repetitive).length).toBeLessThan(repetitive.length / 10);
  });

  it('writes what the other clients read: xerial snappy, Kafka-flagged LZ4 frames, zstd frames', () => {
    expect(codecByName('snappy').compress(TEXT).subarray(0, 8).toString('latin1')).toBe('\x82SNAPPY\0');
    const lz4 = codecByName('lz4').compress(TEXT);
    expect(lz4.readUInt32LE(0)).toBe(0x184d2204);
    expect(lz4[4]! & 0xc0).toBe(0x40); // version 01
    expect(lz4[4]! & 0x20).toBe(0x20); // independent blocks (Kafka's reader requires them)
    expect(codecByName('zstd').compress(TEXT).readUInt32LE(0)).toBe(0xfd2fb528);
  });

  it('registers the codecs with kafkajs, which then compresses and decompresses through them', async () => {
    registerKafkaJsCodecs();
    const table = CompressionCodecs as Record<number, () => { compress(e: { buffer: Buffer }): Promise<Buffer>; decompress(b: Buffer): Promise<Buffer> }>;
    for (const type of [CompressionTypes.Snappy, CompressionTypes.LZ4, CompressionTypes.ZSTD]) {
      const codec = table[type]!();
      const compressed = await codec.compress({ buffer: Buffer.from('through kafkajs') });
      expect(decompressRecords(type, compressed).toString()).toBe('through kafkajs');
      expect((await codec.decompress(compressed)).toString()).toBe('through kafkajs');
    }
  });

  it('names the codec when its bytes are corrupt', () => {
    expect(() => decompressRecords(3, Buffer.from('not an lz4 frame'))).toThrow(/^lz4 batch could not be decompressed: /);
    expect(() => decompressRecords(4, Buffer.from('not a zstd frame'))).toThrow(/^zstd batch could not be decompressed: /);
    expect(() => decompressRecords(2, Buffer.from([0xff, 0xff, 0xff]))).toThrow(/^snappy batch could not be decompressed: /);
  });
});
