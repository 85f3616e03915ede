import type { KeyValue, RecordHeaders } from '../../api/record';
import type { Serde } from '../../api/serde';
import { StreamsError } from '../../errors';
import type { StoredRecord } from './memory-topics';

/** A record as a test pipes it in. */
export interface TestRecord<K, V> {
  readonly key: K | null;
  readonly value: V | null;
  /** Default: the driver's current wall-clock time. */
  readonly timestamp?: number;
  readonly headers?: RecordHeaders;
}

/** A record read from an output topic. `value` is null for a tombstone. */
export interface OutputRecord<K, V> {
  readonly key: K | null;
  readonly value: V | null;
  readonly timestamp: number;
  readonly headers: RecordHeaders;
  readonly partition: number;
  readonly offset: number;
}

interface Encoded {
  key: Buffer | null;
  value: Buffer | null;
  timestamp?: number;
  headers: RecordHeaders;
}
/** Runs `encode` in the driver's turn (so concurrent pipes keep their call order), then appends. */
type Append = (encode: () => Promise<Encoded>) => Promise<void>;

/** Writes records to a topic of the driver as a producer would; each call resolves once processed. */
export class TestInputTopic<K, V> {
  constructor(
    readonly topic: string,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
    private readonly append: Append,
  ) {}

  /** Pipes one record; `value` null is a tombstone. */
  async pipeInput(key: K | null, value: V | null, timestamp?: number): Promise<void> {
    await this.pipeRecord({ key, value, ...(timestamp === undefined ? {} : { timestamp }) });
  }

  pipeRecord(record: TestRecord<K, V>): Promise<void> {
    return this.append(async () => ({
      key: record.key === null ? null : await this.keySerde.serialize(this.topic, record.key),
      value: record.value === null ? null : await this.valueSerde.serialize(this.topic, record.value),
      timestamp: record.timestamp,
      headers: record.headers ?? {},
    }));
  }

  /** Pipes records one after the other. */
  async pipeKeyValueList(records: readonly KeyValue<K, V | null>[], timestamp?: number): Promise<void> {
    for (const { key, value } of records) await this.pipeInput(key, value, timestamp);
  }
}

interface Source {
  read(max?: number): StoredRecord[];
  unread(): number;
}

/**
 * Reads what was written to a topic of the driver (by the topology or by an input topic), in
 * append order across partitions. Reading consumes: readers of the same topic share one position.
 */
export class TestOutputTopic<K, V> {
  constructor(
    readonly topic: string,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
    private readonly source: Source,
  ) {}

  isEmpty(): boolean {
    return this.source.unread() === 0;
  }

  getQueueSize(): number {
    return this.source.unread();
  }

  /** Reads the next record; throws if there is none. */
  async readRecord(): Promise<OutputRecord<K, V>> {
    const [stored] = this.source.read(1);
    if (!stored) throw new StreamsError(`no record left in output topic ${this.topic}`);
    return this.decode(stored);
  }

  async readKeyValue(): Promise<KeyValue<K | null, V | null>> {
    const { key, value } = await this.readRecord();
    return { key, value };
  }

  async readValue(): Promise<V | null> {
    return (await this.readRecord()).value;
  }

  async readRecordsToList(): Promise<OutputRecord<K, V>[]> {
    const records: OutputRecord<K, V>[] = [];
    for (const stored of this.source.read()) records.push(await this.decode(stored));
    return records;
  }

  async readKeyValuesToList(): Promise<KeyValue<K | null, V | null>[]> {
    return (await this.readRecordsToList()).map(({ key, value }) => ({ key, value }));
  }

  async readValuesToList(): Promise<(V | null)[]> {
    return (await this.readRecordsToList()).map((r) => r.value);
  }

  /** The last value per key (tombstones remove the key), like reading a compacted topic. */
  async readKeyValuesToMap(): Promise<Map<K | null, V>> {
    const map = new Map<K | null, V>();
    for (const { key, value } of await this.readRecordsToList()) {
      if (value === null) map.delete(key);
      else map.set(key, value);
    }
    return map;
  }

  private async decode(stored: StoredRecord): Promise<OutputRecord<K, V>> {
    return {
      key: stored.key === null ? null : await this.keySerde.deserialize(this.topic, stored.key),
      value: stored.value === null ? null : await this.valueSerde.deserialize(this.topic, stored.value),
      timestamp: stored.timestamp,
      headers: stored.headers,
      partition: stored.partition,
      offset: stored.offset,
    };
  }
}
