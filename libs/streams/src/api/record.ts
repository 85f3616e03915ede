/** Headers of a record; values are kept as the bytes that were (or will be) on the wire. */
export type RecordHeaders = Readonly<Record<string, Buffer>>;

/** A key/value pair flowing through a topology, with its event time (epoch ms) and headers. */
export interface StreamRecord<K, V> {
  readonly key: K;
  readonly value: V;
  readonly timestamp: number;
  readonly headers: RecordHeaders;
}

/** Where the record being processed came from (absent inside punctuators). */
export interface RecordMetadata {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

export interface KeyValue<K, V> {
  readonly key: K;
  readonly value: V;
}
