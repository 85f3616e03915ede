import type { RecordHeaders } from '../../api/record';

/** A record as stored in an in-memory topic: bytes, like on the broker. */
export interface StoredRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: number;
  readonly headers: RecordHeaders;
}

interface MemoryTopic {
  readonly partitions: number;
  readonly nextOffset: number[];
  /** Every record in append order (across partitions). */
  readonly log: StoredRecord[];
  /** How far the test's output readers have consumed `log`. */
  readCursor: number;
  roundRobin: number;
}

/** The driver's in-memory topics: partitioned, append-only, created on first use. */
export class MemoryTopics {
  private readonly topics = new Map<string, MemoryTopic>();

  constructor(private readonly partitionsOf: (topic: string) => number) {}

  partitions(topic: string): number {
    return this.topic(topic).partitions;
  }

  /** Partition for a record without a key: round robin, like the producer. */
  nextRoundRobin(topic: string): number {
    const t = this.topic(topic);
    return t.roundRobin++ % t.partitions;
  }

  append(record: Omit<StoredRecord, 'offset'>): StoredRecord {
    const t = this.topic(record.topic);
    if (!Number.isInteger(record.partition) || record.partition < 0 || record.partition >= t.partitions) {
      throw new RangeError(`partition ${record.partition} out of range for ${record.topic} (${t.partitions} partitions)`);
    }
    const stored = { ...record, offset: t.nextOffset[record.partition]++ };
    t.log.push(stored);
    return stored;
  }

  /** Takes the records not yet read by the test (all partitions, append order). */
  read(topic: string, max = Number.POSITIVE_INFINITY): StoredRecord[] {
    const t = this.topic(topic);
    const records = t.log.slice(t.readCursor, t.readCursor + max);
    t.readCursor += records.length;
    return records;
  }

  unread(topic: string): number {
    const t = this.topic(topic);
    return t.log.length - t.readCursor;
  }

  private topic(name: string): MemoryTopic {
    let t = this.topics.get(name);
    if (!t) {
      const partitions = this.partitionsOf(name);
      t = { partitions, nextOffset: new Array<number>(partitions).fill(0), log: [], readCursor: 0, roundRobin: 0 };
      this.topics.set(name, t);
    }
    return t;
  }
}
