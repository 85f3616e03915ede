import { DeserializationError, SerializationError } from './errors';
import { Serde } from './serde';

/** UTF-8 strings (keys, raw source payloads). */
export const stringSerde: Serde<string> = {
  async serialize(_topic, value) {
    return Buffer.from(value, 'utf8');
  },
  async deserialize(_topic, data) {
    return data.toString('utf8');
  },
};

/** Bytes passed through unchanged (a copy is never made). */
export const bufferSerde: Serde<Buffer> = {
  async serialize(_topic, value) {
    return value;
  },
  async deserialize(_topic, data) {
    return data;
  },
};

/** JSON text in UTF-8. The type parameter is trusted: no validation of the decoded shape. */
export function jsonSerde<T>(): Serde<T> {
  return {
    async serialize(topic, value) {
      const text = JSON.stringify(value);
      if (text === undefined) throw new SerializationError(`value for ${topic} is not JSON-serializable`, topic);
      return Buffer.from(text, 'utf8');
    },
    async deserialize(topic, data) {
      try {
        return JSON.parse(data.toString('utf8')) as T;
      } catch (error) {
        throw new DeserializationError(`invalid JSON on ${topic}: ${(error as Error).message}`, topic, { cause: error });
      }
    },
  };
}
