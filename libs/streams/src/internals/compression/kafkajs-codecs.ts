import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import { codecById, requireCodec, type BatchCodec, type CompressionName } from './codecs';

/** What kafkajs expects behind `CompressionCodecs[type]()`: it hands an Encoder to compress and bytes to decompress. */
interface KafkaJsCodec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

function kafkaJsCodec(codec: BatchCodec): KafkaJsCodec {
  return {
    compress: async (encoder) => codec.compress(encoder.buffer),
    decompress: async (buffer) => codec.decompress(buffer),
  };
}

let registered = false;

/**
 * Registers snappy, lz4 and zstd with kafkajs (process-wide: kafkajs keeps one codec table), so that
 * every kafkajs consumer reads batches of any codec and producers can write them. Replaces kafkajs'
 * placeholders (and any codec registered before). A codec whose package is missing is still
 * registered: using it throws the CompressionConfigError that names the package. Idempotent.
 */
export function registerKafkaJsCodecs(): void {
  if (registered) return;
  const table = CompressionCodecs as Record<number, () => KafkaJsCodec>;
  for (const type of [CompressionTypes.Snappy, CompressionTypes.LZ4, CompressionTypes.ZSTD]) {
    const codec = kafkaJsCodec(codecById(type));
    table[type] = () => codec;
  }
  registered = true;
}

/**
 * The kafkajs compression type for the engine's producers, after checking that its codec runs here
 * (a CompressionConfigError naming the missing package otherwise), with the codecs registered.
 */
export function producerCompression(name: CompressionName): CompressionTypes {
  const codec = requireCodec(name);
  registerKafkaJsCodecs();
  return codec.id as CompressionTypes;
}
