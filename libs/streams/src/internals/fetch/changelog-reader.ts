import type { ConnectionOptions } from 'node:tls';
import { BrokerConnection, checkSasl, type SaslOptions } from './broker-connection';
import { FetchError } from './errors';
import {
  decodeFetchResponse,
  encodeFetchRequest,
  ErrorCode,
  FETCH_API_KEY,
  FETCH_VERSION,
  isRetriableFetchError,
  READ_COMMITTED,
  type FetchPartitionResponse,
} from './fetch-protocol';
import { AbortFilter } from './abort-filter';
import { decodeListOffsetsResponse, EARLIEST_TIMESTAMP, encodeListOffsetsRequest, LIST_OFFSETS_API_KEY, LIST_OFFSETS_VERSION } from './list-offsets-protocol';
import { decodeBatchesFrom, offsetAfterLastBatch, type BatchInfo, type DecodeCursor, type FetchedRecord } from './record-batch';
import { Reader } from './wire';
import { tpKey } from '../topic-partition';

export type { FetchedRecord } from './record-batch';

/** Offsets [from, end) of one partition. */
export interface ReadRange {
  topic: string;
  partition: number;
  from: bigint;
  end: bigint;
}

export interface ReadChunk {
  topic: string;
  partition: number;
  /** Committed data records inside [from, end), in offset order (offsets may have gaps). */
  records: FetchedRecord[];
  /** Where reading continues; at most `end`. */
  nextOffset: bigint;
  /** True on the last chunk of the range (which may have no records). */
  done: boolean;
}

export interface ChangelogReaderOptions {
  /** From admin.describeCluster(). */
  brokers: { nodeId: number; host: string; port: number }[];
  /** tpKey(topic, partition) -> leader nodeId (from admin.fetchTopicMetadata). */
  leaders: Map<string, number>;
  clientId: string;
  ssl?: ConnectionOptions | boolean;
  sasl?: SaslOptions;
  /** Default 4 MiB. */
  maxBytesPerPartition?: number;
  /** Default 16 MiB. */
  maxBytes?: number;
  /** Default 200. */
  maxWaitMs?: number;
  /** Default 30 000. */
  requestTimeoutMs?: number;
  /**
   * Default 30 000: a leader whose partitions advance by no offset for this long (e.g. a range ending
   * inside a transaction that never completes, so read_committed never gets there) ends the read with a
   * retriable FetchError, and the caller hands the rest to its other reader.
   */
  noProgressTimeoutMs?: number;
}

const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

interface PartitionState {
  range: ReadRange;
  fetchOffset: bigint;
  done: boolean;
  minOffset: number;
  maxOffset: number;
  aborts: AbortFilter;
}

interface Work {
  state: PartitionState;
  records: Buffer | null;
  aborted: FetchPartitionResponse['abortedTransactions'];
  nextOffset: bigint;
  done: boolean;
}

/**
 * Reads the committed records of every range (read_committed), one connection per partition leader and one
 * Fetch per round for all of that leader's unfinished partitions. The next Fetch is sent as soon as a response
 * arrives, before the response is decoded and handed to `onChunk`. `onChunk` calls never overlap (also across
 * leaders) and each is awaited before the next. A range with from >= end is never fetched: it gets one empty
 * done chunk. Rejects with a retriable FetchError on leadership changes, unknown partitions and lost
 * connections; every connection is closed when the promise settles.
 */
export async function readChangelogs(
  ranges: ReadRange[],
  options: ChangelogReaderOptions,
  onChunk: (chunk: ReadChunk) => void | Promise<void>,
): Promise<void> {
  checkSasl(options.sasl);
  let stopped = false;
  let gate: Promise<unknown> = Promise.resolve();
  const deliver = (chunk: ReadChunk): Promise<void> => {
    const run = gate.then(() => (stopped ? undefined : onChunk(chunk)));
    gate = run.catch(() => undefined);
    return run;
  };

  const byLeader = new Map<number, PartitionState[]>();
  for (const range of ranges) {
    if (range.from >= range.end) {
      await deliver({ topic: range.topic, partition: range.partition, records: [], nextOffset: range.from, done: true });
      continue;
    }
    const leader = options.leaders.get(tpKey(range.topic, range.partition));
    if (leader === undefined || leader < 0) {
      throw new FetchError(`no leader known for ${range.topic}-${range.partition}`, { retriable: true });
    }
    const states = byLeader.get(leader) ?? [];
    states.push(newState(range));
    byLeader.set(leader, states);
  }

  const connections: BrokerConnection[] = [];
  try {
    await Promise.all(
      [...byLeader].map(async ([nodeId, states]) => {
        const broker = options.brokers.find((b) => b.nodeId === nodeId);
        if (!broker) throw new FetchError(`leader ${nodeId} is not among the known brokers`, { retriable: true });
        const connection = await BrokerConnection.connect({
          host: broker.host,
          port: broker.port,
          clientId: options.clientId,
          ssl: options.ssl,
          sasl: options.sasl,
          requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
          // A response is at most maxBytes, plus one batch larger than that (KIP-74): room for it, no more.
          maxFrameBytes: 2 * (options.maxBytes ?? DEFAULT_MAX_BYTES) + 16 * 1024 * 1024,
        });
        if (stopped) {
          connection.close(); // another leader failed while this one was connecting
          return;
        }
        connections.push(connection);
        await readFromLeader(connection, states, options, deliver, () => stopped);
      }),
    );
  } finally {
    stopped = true;
    for (const connection of connections) connection.close();
  }
}

function newState(range: ReadRange): PartitionState {
  const minOffset = Number(range.from);
  if (!Number.isSafeInteger(minOffset)) throw new FetchError(`offset ${range.from} is above Number.MAX_SAFE_INTEGER`);
  const maxOffset = range.end > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(range.end);
  return { range, fetchOffset: range.from, done: false, minOffset, maxOffset, aborts: new AbortFilter() };
}

async function readFromLeader(
  connection: BrokerConnection,
  states: PartitionState[],
  options: ChangelogReaderOptions,
  deliver: (chunk: ReadChunk) => Promise<void>,
  stopped: () => boolean,
): Promise<void> {
  const byKey = new Map(states.map((s) => [tpKey(s.range.topic, s.range.partition), s]));
  let round = 0;
  const send = (): Promise<Buffer> | undefined => {
    const active = states.filter((s) => !s.done);
    if (active.length === 0) return undefined;
    // Rotate the order so a partition whose batches exceed the budget cannot starve the others.
    const start = round++ % active.length;
    const ordered = [...active.slice(start), ...active.slice(0, start)];
    const topics: { topic: string; partitions: { partition: number; fetchOffset: bigint; partitionMaxBytes: number }[] }[] = [];
    for (const s of ordered) {
      let entry = topics.find((t) => t.topic === s.range.topic);
      if (!entry) topics.push((entry = { topic: s.range.topic, partitions: [] }));
      entry.partitions.push({ partition: s.range.partition, fetchOffset: s.fetchOffset, partitionMaxBytes: options.maxBytesPerPartition ?? 4 * 1024 * 1024 });
    }
    const request = connection.request(FETCH_API_KEY, FETCH_VERSION, (writer) =>
      encodeFetchRequest(writer, { maxWaitMs: options.maxWaitMs ?? 200, maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES, isolationLevel: READ_COMMITTED, topics }),
    );
    request.catch(() => undefined); // awaited below; never an unhandled rejection if we stop first
    return request;
  };

  const noProgressTimeoutMs = options.noProgressTimeoutMs ?? 30_000;
  let progressAt = Date.now();
  let inflight = send();
  while (inflight && !stopped()) {
    const response = decodeFetchResponse(new Reader(await inflight));
    if (response.errorCode !== ErrorCode.NONE) {
      throw new FetchError(`fetch from ${connection.address} failed with error ${response.errorCode}`, { retriable: isRetriableFetchError(response.errorCode) });
    }
    const work: Work[] = [];
    const outOfRange: PartitionState[] = [];
    for (const { topic, partitions } of response.topics) {
      for (const part of partitions) {
        const state = byKey.get(tpKey(topic, part.partition));
        if (!state || state.done) continue;
        const item = advance(state, part);
        if (item === OUT_OF_RANGE) outOfRange.push(state);
        else if (item) work.push(item);
      }
    }
    // (No fetch is in flight here: the next one goes out below, from the positions set now.)
    if (outOfRange.length > 0) work.push(...(await skipToLogStart(connection, outOfRange)));
    if (work.length > 0) progressAt = Date.now();
    else if (Date.now() - progressAt > noProgressTimeoutMs) {
      const waiting = states.filter((s) => !s.done).map((s) => `${s.range.topic}-${s.range.partition}@${s.fetchOffset}`);
      throw new FetchError(`no progress from ${connection.address} for ${noProgressTimeoutMs} ms (${waiting.join(', ')})`, { retriable: true });
    }
    inflight = send();
    for (const item of work) {
      if (stopped()) return;
      await deliverPartition(item, deliver, stopped);
    }
  }
}

/** Records handed to onChunk at a time: slices of a response die young instead of surviving into the old generation. */
const RECORDS_PER_CHUNK = 8192;

async function deliverPartition(item: Work, deliver: (chunk: ReadChunk) => Promise<void>, stopped: () => boolean): Promise<void> {
  const { state } = item;
  const { topic, partition } = state.range;
  const data = item.records;
  if (data && data.length > 0) {
    state.aborts.add(item.aborted);
    const cursor: DecodeCursor = { position: 0, next: undefined };
    const accept = (batch: BatchInfo) => state.aborts.accept(batch);
    for (;;) {
      const records: FetchedRecord[] = [];
      const finished = decodeBatchesFrom(data, cursor, records, state.minOffset, state.maxOffset, accept, RECORDS_PER_CHUNK);
      if (finished) {
        if (records.length > 0 || item.done) await deliver({ topic, partition, records, nextOffset: item.nextOffset, done: item.done });
        return;
      }
      const next = cursor.next!;
      await deliver({ topic, partition, records, nextOffset: next < state.range.end ? next : state.range.end, done: false });
      if (stopped()) return;
    }
  }
  if (item.done) await deliver({ topic, partition, records: [], nextOffset: item.nextOffset, done: true });
}

const OUT_OF_RANGE = Symbol('out of range');

/**
 * Applies one partition's response to its position (before decoding), or throws on a partition error.
 * OFFSET_OUT_OF_RANGE: retention removed the start of the range (the broker reports no log start with
 * the error), so the caller asks for the log start.
 */
function advance(state: PartitionState, part: FetchPartitionResponse): Work | typeof OUT_OF_RANGE | undefined {
  const { topic, partition, end } = state.range;
  if (part.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) return OUT_OF_RANGE;
  if (part.errorCode !== ErrorCode.NONE) {
    const retriable = isRetriableFetchError(part.errorCode);
    throw new FetchError(`fetch of ${topic}-${partition} at ${state.fetchOffset} failed with error ${part.errorCode}`, { retriable });
  }
  if (!part.records || part.records.length === 0) return undefined;
  const next = offsetAfterLastBatch(part.records);
  if (next === undefined || next <= state.fetchOffset) return undefined;
  state.fetchOffset = next;
  state.done = next >= end;
  return { state, records: part.records, aborted: part.abortedTransactions, nextOffset: next < end ? next : end, done: state.done };
}

/**
 * Moves partitions whose fetch offset fell out of range to their log start (ListOffsets, earliest), so
 * a range whose beginning retention deleted goes on with what is left. Returns the done chunks of
 * partitions with nothing left before their end. A log start not beyond the fetch offset means the
 * offset is past the log's end: the caller's range is wrong, a non-retriable FetchError.
 */
async function skipToLogStart(connection: BrokerConnection, states: readonly PartitionState[]): Promise<Work[]> {
  const topics = [...new Set(states.map((s) => s.range.topic))].map((topic) => ({
    topic,
    partitions: states.filter((s) => s.range.topic === topic).map((s) => ({ partition: s.range.partition, timestamp: EARLIEST_TIMESTAMP })),
  }));
  const body = await connection.request(LIST_OFFSETS_API_KEY, LIST_OFFSETS_VERSION, (writer) => encodeListOffsetsRequest(writer, READ_COMMITTED, topics));
  const starts = new Map<string, { errorCode: number; offset: bigint }>();
  for (const { topic, partitions } of decodeListOffsetsResponse(new Reader(body))) {
    for (const p of partitions) starts.set(tpKey(topic, p.partition), p);
  }
  const work: Work[] = [];
  for (const state of states) {
    const { topic, partition, end } = state.range;
    const start = starts.get(tpKey(topic, partition));
    if (!start || start.errorCode !== ErrorCode.NONE) {
      const code = start?.errorCode ?? -1;
      throw new FetchError(`log start of ${topic}-${partition} unknown (error ${code})`, { retriable: isRetriableFetchError(code) || code === -1 });
    }
    if (start.offset <= state.fetchOffset) {
      throw new FetchError(`fetch of ${topic}-${partition} at ${state.fetchOffset} is past the log's end (log start ${start.offset})`, { retriable: false });
    }
    state.fetchOffset = start.offset;
    state.minOffset = Number(start.offset); // the first batch fetched may begin before the log start
    state.aborts.reset();
    if (state.fetchOffset < end) continue;
    state.done = true;
    work.push({ state, records: null, aborted: null, nextOffset: end, done: true });
  }
  return work;
}
