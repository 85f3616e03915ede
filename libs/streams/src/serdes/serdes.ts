import type { SyncSerde } from '../api/serde';
import { StreamsError } from '../errors';

/** A value a serde cannot write or bytes it cannot read. */
export class SerdeError extends StreamsError {}

const stringSerde: SyncSerde<string> = {
  serialize: (_topic, value) => Buffer.from(value, 'utf8'),
  deserialize: (_topic, data) => data.toString('utf8'),
};

const bufferSerde: SyncSerde<Buffer> = {
  serialize: (_topic, value) => value,
  deserialize: (_topic, data) => Buffer.from(data),
};

const int64Serde: SyncSerde<number> = {
  serialize: (topic, value) => {
    if (!Number.isSafeInteger(value)) throw new SerdeError(`int64 serde: ${value} is not a safe integer (topic ${topic})`);
    const data = Buffer.alloc(8);
    data.writeBigInt64BE(BigInt(value));
    return data;
  },
  deserialize: (topic, data) => {
    if (data.length !== 8) throw new SerdeError(`int64 serde: expected 8 bytes, got ${data.length} (topic ${topic})`);
    const value = data.readBigInt64BE();
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new SerdeError(`int64 serde: ${value} does not fit a safe integer (topic ${topic})`);
    }
    return Number(value);
  },
};

const int32Serde: SyncSerde<number> = {
  serialize: (topic, value) => {
    if (!Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff) {
      throw new SerdeError(`int32 serde: ${value} is not a 32-bit integer (topic ${topic})`);
    }
    const data = Buffer.alloc(4);
    data.writeInt32BE(value);
    return data;
  },
  deserialize: (topic, data) => {
    if (data.length !== 4) throw new SerdeError(`int32 serde: expected 4 bytes, got ${data.length} (topic ${topic})`);
    return data.readInt32BE();
  },
};

const doubleSerde: SyncSerde<number> = {
  serialize: (_topic, value) => {
    const data = Buffer.alloc(8);
    data.writeDoubleBE(value);
    return data;
  },
  deserialize: (topic, data) => {
    if (data.length !== 8) throw new SerdeError(`double serde: expected 8 bytes, got ${data.length} (topic ${topic})`);
    return data.readDoubleBE();
  },
};

function jsonSerde<T>(): SyncSerde<T> {
  return {
    serialize: (topic, value) => {
      const text = JSON.stringify(value);
      if (text === undefined) throw new SerdeError(`json serde: value is not JSON-serializable (topic ${topic})`);
      return Buffer.from(text, 'utf8');
    },
    deserialize: (topic, data) => {
      try {
        return JSON.parse(data.toString('utf8')) as T;
      } catch (cause) {
        throw new SerdeError(`json serde: invalid JSON (topic ${topic})`, { cause });
      }
    },
  };
}

/**
 * Built-in synchronous serdes (usable for topics and stores). Byte layouts match the Java
 * client's serializers where one exists: `int64` = `LongSerializer` (8 bytes big-endian, two's
 * complement, so non-negative numbers sort numerically in a store), `int32` = `IntegerSerializer`,
 * `double` = `DoubleSerializer`, `string` = UTF-8.
 */
export const Serdes = {
  string: (): SyncSerde<string> => stringSerde,
  buffer: (): SyncSerde<Buffer> => bufferSerde,
  /** Whole numbers within ±2^53, stored as a 64-bit signed integer. */
  int64: (): SyncSerde<number> => int64Serde,
  int32: (): SyncSerde<number> => int32Serde,
  /** Any JS number, as an IEEE 754 double. */
  number: (): SyncSerde<number> => doubleSerde,
  /** UTF-8 JSON; the type is trusted, not checked, on reading. */
  json: <T>(): SyncSerde<T> => jsonSerde<T>(),
};
