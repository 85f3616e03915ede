import { gzipSync } from 'node:zlib';
import { codecById, codecByName, decompressRecords, requireCodec } from './codecs';
import { loadCodecPackage } from './codec-packages';
import { CompressionConfigError, DecompressionError } from './errors';
import { resolveOptions, type StreamsApplicationOptions } from '../runtime/options';

describe('batch codecs', () => {
  it('maps Kafka codec ids and names both ways', () => {
    expect(['none', 'gzip', 'snappy', 'lz4', 'zstd'].map((name) => codecByName(name).id)).toEqual([0, 1, 2, 3, 4]);
    expect([0, 1, 2, 3, 4].map((id) => codecById(id).name)).toEqual(['none', 'gzip', 'snappy', 'lz4', 'zstd']);
  });

  it('refuses names and ids Kafka does not define with a CompressionConfigError', () => {
    expect(() => codecByName('brotli')).toThrow(CompressionConfigError);
    expect(() => codecByName('brotli')).toThrow('unknown compression "brotli" (expected one of none, gzip, snappy, lz4, zstd)');
    expect(() => codecById(5)).toThrow('unknown compression codec id 5');
    expect(() => decompressRecords(7, Buffer.alloc(1))).toThrow(CompressionConfigError);
  });

  it('decompresses gzip as zlib writes it, and round-trips', () => {
    const data = Buffer.from('records '.repeat(100));
    expect(decompressRecords(1, gzipSync(data))).toEqual(data);
    const gzip = requireCodec('gzip');
    expect(gzip.decompress(gzip.compress(data))).toEqual(data);
  });

  it('names the codec when bytes cannot be decompressed', () => {
    expect(() => decompressRecords(1, Buffer.from('not gzip at all'))).toThrow(DecompressionError);
    expect(() => decompressRecords(1, Buffer.from('not gzip at all'))).toThrow(/^gzip batch could not be decompressed: /);
  });

  it('reports a codec whose package is missing by the package name, and a package without the needed exports', () => {
    const missing = loadCodecPackage('zstd', 'no-such-codec-package-for-spec');
    expect(missing.error).toBeInstanceOf(CompressionConfigError);
    expect(missing.error?.message).toMatch(/^zstd compression needs the package no-such-codec-package-for-spec, which could not be loaded \(install it\)/);
    const wrong = loadCodecPackage('lz4', 'kafkajs');
    expect(wrong.error?.message).toBe('lz4 compression needs kafkajs with compressFrameSync, decompressFrameSync; the installed version has not');
  });

  it("checks the application's compression option when the options are resolved (default none)", () => {
    const base: StreamsApplicationOptions = { app: { id: 'a', version: 1 }, kafka: { brokers: [] }, stateDir: '/nonexistent' };
    expect(resolveOptions(base).compression).toBe('none');
    expect(resolveOptions({ ...base, compression: 'zstd' }).compression).toBe('zstd');
    expect(() => resolveOptions({ ...base, compression: 'brotli' as StreamsApplicationOptions['compression'] })).toThrow(CompressionConfigError);
  });
});
