import { AbortFilter } from '../fetch/abort-filter';
import { BrokerConnection } from '../fetch/broker-connection';
import { FetchError } from '../fetch/errors';
import {
  decodeFetchResponse,
  encodeFetchRequest,
  ErrorCode,
  FETCH_API_KEY,
  FETCH_VERSION,
  READ_COMMITTED,
  type FetchPartitionResponse,
} from '../fetch/fetch-protocol';
import { decodeListOffsetsResponse, EARLIEST_TIMESTAMP, encodeListOffsetsRequest, LIST_OFFSETS_API_KEY, LIST_OFFSETS_VERSION } from '../fetch/list-offsets-protocol';
import { decodeBatchesFrom, offsetAfterLastBatch, type BatchInfo, type DecodeCursor, type FetchedRecord } from '../fetch/record-batch';
import { Reader } from '../fetch/wire';
import { tpKey, type TopicPartitionKey } from '../topic-partition';
import { toKafkaMessage } from './fetched-message';
import type { InputFetcherOptions } from './input-fetcher';

/** The fetch state of one assigned partition (owned by the InputFetcher, advanced by its leader's loop). */
export interface InputPartition {
  readonly key: TopicPartitionKey;
  readonly topic: string;
  readonly partition: number;
  /** The offset after the last record the processing loop resolved. */
  position: bigint;
  /** Where the next fetch of this partition starts. */
  fetchOffset: bigint;
  /** Changes whenever fetched records must be dropped (seek, pause, suspend, assign). */
  epoch: number;
  /** The leader refused it (leadership moved): not fetched until the metadata was read again. */
  parked: boolean;
  readonly aborts: AbortFilter;
}

/** What a leader's loop needs from its InputFetcher. */
export interface LeaderFetchContext {
  readonly options: InputFetcherOptions;
  fetchable(nodeId: number): InputPartition[];
  isCurrent(p: InputPartition, epoch: number): boolean;
  rewind(p: InputPartition): void;
  leaderMoved(p: InputPartition): void;
  stopped(): boolean;
}

interface InFlight {
  readonly response: Promise<Buffer>;
  /** Per partition key: the state, its epoch and fetch offset when the request went out. */
  readonly sent: Map<string, { p: InputPartition; epoch: number; fetchOffset: bigint }>;
}

interface Work {
  readonly p: InputPartition;
  readonly epoch: number;
  readonly records: Buffer;
  readonly aborted: FetchPartitionResponse['abortedTransactions'];
  /** Records below it (in a batch that begins earlier) are not delivered. */
  readonly from: bigint;
  readonly highWatermark: string;
}

/**
 * Errors no retry mends (as the Java consumer raises them to the application): a corrupt record on the
 * broker, authorization, a protocol or codec the broker refuses. Anything else (leadership moving, a
 * broker restarting: storage, replica or offset not available yet) is retried from the metadata.
 */
const FATAL_ERRORS: ReadonlySet<number> = new Set([
  2, // CORRUPT_MESSAGE
  29, // TOPIC_AUTHORIZATION_FAILED
  31, // CLUSTER_AUTHORIZATION_FAILED
  35, // UNSUPPORTED_VERSION
  76, // UNSUPPORTED_COMPRESSION_TYPE
]);

/** Records handed on at a time: slices of a response die young. */
const RECORDS_PER_SLICE = 4096;
const MAX_BACKOFF_MS = 5_000;

/**
 * One broker's fetch loop: Fetch v11 (read_committed) for every fetchable partition this broker
 * leads, the next request sent as soon as a response is in and before its records are handed on.
 * Lost connections and every other error are retried with backoff (the metadata read again); an
 * error no retry mends (FATAL_ERRORS, an unreadable batch) goes to `onFatal`.
 */
export class LeaderFetch {
  private connection: BrokerConnection | undefined;
  private running: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private round = 0;

  constructor(
    private readonly nodeId: number,
    private readonly broker: () => { host: string; port: number } | undefined,
    private readonly context: LeaderFetchContext,
  ) {}

  static partition(key: TopicPartitionKey, topic: string, partition: number, position: bigint): InputPartition {
    return { key, topic, partition, position, fetchOffset: position, epoch: 0, parked: false, aborts: new AbortFilter() };
  }

  start(): void {
    this.running ??= this.loop();
  }

  wake(): void {
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.connection?.close();
    this.wake();
    await this.running;
  }

  private async loop(): Promise<void> {
    try {
      await this.fetchUntilStopped();
    } finally {
      // also a connection opened while stop() was under way
      this.connection?.close();
      this.connection = undefined;
    }
  }

  private async fetchUntilStopped(): Promise<void> {
    const { logger, onFatal } = this.context.options;
    let backoff = 100;
    let inflight: InFlight | undefined;
    while (!this.context.stopped()) {
      try {
        inflight ??= await this.send();
        if (!inflight) {
          await this.idle();
          continue;
        }
        const work = await this.receive(inflight);
        inflight = await this.send();
        for (const item of work) await this.deliver(item);
        backoff = 100;
      } catch (error) {
        inflight = undefined;
        this.connection?.close();
        this.connection = undefined;
        if (this.context.stopped()) return;
        if (error instanceof FetchError && !error.retriable) {
          onFatal(error);
          return;
        }
        // a lost connection, a timeout, leadership moved: read the metadata again, fetch again from the positions
        logger.warn('input fetch failed; retrying', { broker: this.nodeId, error: String(error), retryInMs: backoff });
        for (const p of this.context.fetchable(this.nodeId)) this.context.leaderMoved(p);
        await this.idle(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }

  /** Waits for a wake-up (or the broker's max wait) when there is nothing to fetch. */
  private idle(ms = this.context.options.maxWaitMs ?? 250): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.wakeUp === done) this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }

  private async connect(): Promise<BrokerConnection> {
    if (this.connection) return this.connection;
    const broker = this.broker();
    if (!broker) throw new FetchError(`broker ${this.nodeId} is not in the cluster metadata`, { retriable: true });
    const { options } = this.context;
    const { clientId, ssl, sasl } = options.connection;
    const maxBytes = options.maxBytes ?? 16 * 1024 * 1024;
    this.connection = await BrokerConnection.connect({
      host: broker.host,
      port: broker.port,
      clientId,
      ...(ssl ? { ssl } : {}),
      ...(sasl ? { sasl } : {}),
      requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
      // a response is at most maxBytes plus one batch larger than that (KIP-74)
      maxFrameBytes: 2 * maxBytes + 16 * 1024 * 1024,
    });
    return this.connection;
  }

  private async send(): Promise<InFlight | undefined> {
    const active = this.context.fetchable(this.nodeId);
    if (active.length === 0) return undefined;
    const connection = await this.connect();
    // Rotate the order so a partition whose batches fill the response cannot starve the others.
    const start = this.round++ % active.length;
    const ordered = [...active.slice(start), ...active.slice(0, start)];
    const { options } = this.context;
    const perPartition = options.maxBytesPerPartition ?? 1024 * 1024;
    const sent = new Map<string, { p: InputPartition; epoch: number; fetchOffset: bigint }>();
    const topics: { topic: string; partitions: { partition: number; fetchOffset: bigint; partitionMaxBytes: number }[] }[] = [];
    for (const p of ordered) {
      sent.set(p.key, { p, epoch: p.epoch, fetchOffset: p.fetchOffset });
      let entry = topics.find((t) => t.topic === p.topic);
      if (!entry) topics.push((entry = { topic: p.topic, partitions: [] }));
      entry.partitions.push({ partition: p.partition, fetchOffset: p.fetchOffset, partitionMaxBytes: perPartition });
    }
    const response = connection.request(FETCH_API_KEY, FETCH_VERSION, (writer) =>
      encodeFetchRequest(writer, { maxWaitMs: options.maxWaitMs ?? 250, maxBytes: options.maxBytes ?? 16 * 1024 * 1024, isolationLevel: READ_COMMITTED, topics }),
    );
    response.catch(() => undefined); // awaited in receive(); never unhandled if the loop stops first
    return { response, sent };
  }

  /** Reads a response: advances the fetch offsets of current partitions and returns their records. */
  private async receive(inflight: InFlight): Promise<Work[]> {
    const response = decodeFetchResponse(new Reader(await inflight.response));
    if (response.errorCode !== ErrorCode.NONE) {
      throw new FetchError(`fetch from broker ${this.nodeId} failed with error ${response.errorCode}`, { retriable: !FATAL_ERRORS.has(response.errorCode) });
    }
    const work: Work[] = [];
    const outOfRange: InputPartition[] = [];
    for (const { topic, partitions } of response.topics) {
      for (const part of partitions) {
        const sent = inflight.sent.get(tpKey(topic, part.partition));
        if (!sent) continue;
        const { p, epoch, fetchOffset } = sent;
        // sought, paused or reassigned since the request went out: its records are dropped
        if (!this.context.isCurrent(p, epoch) || p.fetchOffset !== fetchOffset) continue;
        if (part.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
          outOfRange.push(p);
          continue;
        }
        if (part.errorCode !== ErrorCode.NONE) {
          if (FATAL_ERRORS.has(part.errorCode)) {
            throw new FetchError(`fetch of ${topic}-${part.partition} at ${fetchOffset} failed with error ${part.errorCode}`, { retriable: false });
          }
          this.context.leaderMoved(p);
          continue;
        }
        if (!part.records || part.records.length === 0) continue;
        const next = offsetAfterLastBatch(part.records);
        if (next === undefined || next <= fetchOffset) continue;
        p.fetchOffset = next;
        work.push({ p, epoch, records: part.records, aborted: part.abortedTransactions, from: fetchOffset, highWatermark: String(part.highWatermark) });
      }
    }
    if (outOfRange.length > 0) await this.resetToLogStart(outOfRange);
    return work;
  }

  /**
   * auto.offset.reset=earliest: a position retention removed (or past the log's end, e.g. a topic
   * created anew) goes on from the log start.
   */
  private async resetToLogStart(partitions: readonly InputPartition[]): Promise<void> {
    const connection = await this.connect();
    const topics = [...new Set(partitions.map((p) => p.topic))].map((topic) => ({
      topic,
      partitions: partitions.filter((p) => p.topic === topic).map((p) => ({ partition: p.partition, timestamp: EARLIEST_TIMESTAMP })),
    }));
    const body = await connection.request(LIST_OFFSETS_API_KEY, LIST_OFFSETS_VERSION, (writer) => encodeListOffsetsRequest(writer, READ_COMMITTED, topics));
    const starts = new Map<string, { errorCode: number; offset: bigint }>();
    for (const { topic, partitions: parts } of decodeListOffsetsResponse(new Reader(body))) {
      for (const part of parts) starts.set(tpKey(topic, part.partition), part);
    }
    for (const p of partitions) {
      const start = starts.get(p.key);
      if (!start || start.errorCode !== ErrorCode.NONE) {
        this.context.leaderMoved(p);
        continue;
      }
      this.context.options.logger.warn('input position out of range; going on from the log start', { partition: p.key, position: String(p.fetchOffset), logStart: String(start.offset) });
      p.position = start.offset;
      this.context.rewind(p);
    }
  }

  /** Hands a partition's records on in slices; each slice is awaited and must be resolved to go on. */
  private async deliver(item: Work): Promise<void> {
    const { p, epoch } = item;
    if (!this.context.isCurrent(p, epoch)) return;
    p.aborts.add(item.aborted);
    const cursor: DecodeCursor = { position: 0, next: undefined };
    const accept = (batch: BatchInfo) => p.aborts.accept(batch);
    const minOffset = Number(item.from);
    for (;;) {
      const records: FetchedRecord[] = [];
      const finished = decodeBatchesFrom(item.records, cursor, records, minOffset, Number.MAX_SAFE_INTEGER, accept, RECORDS_PER_SLICE);
      const sliceEnd = cursor.next;
      if (records.length > 0) {
        const last = BigInt(records[records.length - 1]!.offset);
        const handed = this.context.options.onBatch({
          topic: p.topic,
          partition: p.partition,
          messages: records.map(toKafkaMessage),
          highWatermark: item.highWatermark,
          resolveOffset: (offset) => {
            if (this.context.isCurrent(p, epoch)) p.position = BigInt(offset) + 1n;
          },
          current: () => this.context.isCurrent(p, epoch),
        });
        try {
          await handed;
        } catch (error) {
          // the processing loop decides what its failure means for the application; this partition is read again from its position
          this.context.options.logger.warn('input batch failed; fetching it again', { partition: p.key, error: String(error) });
          this.context.rewind(p);
          return;
        }
        if (!this.context.isCurrent(p, epoch)) return;
        if (p.position !== last + 1n) {
          // the processing loop stopped inside the slice: fetch the rest again from its position
          this.context.rewind(p);
          return;
        }
      } else if (!this.context.isCurrent(p, epoch)) {
        return;
      }
      // past the slice's control records and aborted transactions too
      if (sliceEnd !== undefined && sliceEnd > p.position) p.position = sliceEnd;
      if (finished) return;
    }
  }
}
