import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import { producerCompression, registerKafkaJsCodecs } from './kafkajs-codecs';

describe('kafkajs codec registration', () => {
  it("replaces kafkajs' not-implemented placeholders for snappy, lz4 and zstd", () => {
    const table = CompressionCodecs as Record<number, () => unknown>;
    expect(() => table[CompressionTypes.ZSTD]!()).toThrow('ZSTD compression not implemented');
    registerKafkaJsCodecs();
    for (const type of [CompressionTypes.Snappy, CompressionTypes.LZ4, CompressionTypes.ZSTD]) {
      expect(table[type]!()).toEqual({ compress: expect.any(Function), decompress: expect.any(Function) });
    }
  });

  it('gives the producers the kafkajs type of the configured codec', () => {
    expect(producerCompression('none')).toBe(CompressionTypes.None);
    expect(producerCompression('gzip')).toBe(CompressionTypes.GZIP);
  });
});
