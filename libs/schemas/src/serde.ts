/**
 * The only contract between the schemas library and its users (producers, the streams engine, tests).
 * Async because registry-backed serdes may need a lookup on first use of a subject or schema id.
 * `topic` lets a serde derive its subject (TopicNameStrategy) and label its errors.
 */
export interface Serde<T> {
  serialize(topic: string, value: T): Promise<Buffer>;
  deserialize(topic: string, data: Buffer): Promise<T>;
}
