import { DecompressionError } from './errors';
import { frameXerial, hasXerialHeader, unframeXerial, XERIAL_BLOCK_BYTES } from './xerial-snappy';

// A stand-in for raw snappy that is reversible and visibly transforms: the framing is what is tested here.
const flip = (block: Buffer): Buffer => Buffer.from(block.map((b) => b ^ 0xff));

describe('xerial snappy framing', () => {
  it('writes the snappy-java header, then int32-length-prefixed blocks of at most 32 KiB', () => {
    const data = Buffer.alloc(XERIAL_BLOCK_BYTES * 2 + 10, 7);
    const framed = frameXerial(data, flip);
    expect(framed.subarray(0, 16)).toEqual(Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1]));
    expect(framed.readInt32BE(16)).toBe(XERIAL_BLOCK_BYTES);
    expect(framed.readInt32BE(16 + 4 + XERIAL_BLOCK_BYTES)).toBe(XERIAL_BLOCK_BYTES);
    expect(framed.readInt32BE(16 + 2 * (4 + XERIAL_BLOCK_BYTES))).toBe(10);
    expect(framed.length).toBe(16 + 3 * 4 + data.length);
    expect(unframeXerial(framed, flip)).toEqual(data);
  });

  it('reads input without the header as one raw block (what kafkajs codecs and some clients write)', () => {
    const raw = flip(Buffer.from('one raw block'));
    expect(hasXerialHeader(raw)).toBe(false);
    expect(unframeXerial(raw, flip).toString()).toBe('one raw block');
  });

  it('frames empty input as the header alone, which reads back empty', () => {
    const framed = frameXerial(Buffer.alloc(0), flip);
    expect(framed.length).toBe(16);
    expect(unframeXerial(framed, flip).length).toBe(0);
  });

  it('refuses a block length beyond the input and a truncated length with a DecompressionError', () => {
    const framed = frameXerial(Buffer.from('abcdef'), flip);
    const longer = Buffer.from(framed);
    longer.writeInt32BE(1_000, 16);
    expect(() => unframeXerial(longer, flip)).toThrow(DecompressionError);
    expect(() => unframeXerial(longer, flip)).toThrow(/block of 1000 bytes at byte 20 exceeds the 6 bytes left/);
    const negative = Buffer.from(framed);
    negative.writeInt32BE(-1, 16);
    expect(() => unframeXerial(negative, flip)).toThrow(/block of -1 bytes/);
    expect(() => unframeXerial(Buffer.concat([framed, Buffer.from([0, 0])]), flip)).toThrow(/truncated block length at byte 26/);
  });
});
