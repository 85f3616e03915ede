/**
 * Serdes turn keys and values into bytes and back.
 *
 * Topic serdes may be asynchronous (an Avro serde looks schemas up in the registry); the engine
 * deserializes a fetched batch before processing it and serializes outputs before producing them,
 * so processors themselves stay synchronous. Store serdes must be synchronous (`SyncSerde`): stores
 * are read and written inside processing. A `null` value (tombstone) never reaches a serde: the
 * engine handles it.
 */
export interface Serde<T> {
  serialize(topic: string, value: T): Buffer | Promise<Buffer>;
  deserialize(topic: string, data: Buffer): T | Promise<T>;
}

export interface SyncSerde<T> extends Serde<T> {
  serialize(topic: string, value: T): Buffer;
  deserialize(topic: string, data: Buffer): T;
}
