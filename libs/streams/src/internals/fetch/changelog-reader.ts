import type { ConnectionOptions } from 'node:tls';
import { BrokerConnection } from './broker-connection';
import { FetchError } from './errors';
import { decodeFetchResponse, encodeFetchRequest, FETCH_API_KEY, FETCH_VERSION, READ_COMMITTED, type FetchPartitionResponse } from './fetch-protocol';
import { ABORT_MARKER, decodeRecordBatches, offsetAfterLastBatch, type BatchInfo, type FetchedRecord } from './record-batch';

export type { FetchedRecord } from './record-batch';

/** Offsets [from, end) of one partition. */
export interface ReadRange {
  readonly topic: string;
  readonly partition: number;
  readonly from: bigint;
  readonly end: bigint;
}

/** What one response brought for a partition: its committed records inside the range, and where reading goes on. */
export interface ReadChunk {
  readonly topic: string;
  readonly partition: number;
  readonly records: FetchedRecord[];
  readonly nextOffset: bigint;
  /** The partition reached its end: this is its last chunk (possibly without records). */
  readonly done: boolean;
}

export interface ChangelogReaderOptions {
  readonly brokers: readonly { readonly nodeId: number; readonly host: string; readonly port: number }[];
  /** `${topic}|${partition}` → node id of its leader. */
  readonly leaders: ReadonlyMap<string, number>;
  readonly clientId: string;
  readonly ssl?: ConnectionOptions | boolean;
  readonly maxBytesPerPartition?: number;
  readonly maxBytes?: number;
  readonly maxWaitMs?: number;
  readonly requestTimeoutMs?: number;
}

interface Position {
  readonly range: ReadRange;
  next: bigint;
  done: boolean;
}

const RETRIABLE_CODES = new Map([
  [3, 'UNKNOWN_TOPIC_OR_PARTITION'],
  [5, 'LEADER_NOT_AVAILABLE'],
  [6, 'NOT_LEADER_OR_FOLLOWER'],
  [74, 'FENCED_LEADER_EPOCH'],
  [75, 'UNKNOWN_LEADER_EPOCH'],
]);
const OFFSET_OUT_OF_RANGE = 1;

/**
 * Reads committed records of each range, one connection per partition leader. Every response
 * advances the positions from its batch headers alone and the next Fetch goes out before the
 * response is decoded and handed to `onChunk` (awaited), so the broker works while the caller
 * applies. Rejects with a FetchError (retriable for leadership changes and lost connections);
 * connections are closed either way.
 */
export async function readChangelogs(ranges: readonly ReadRange[], options: ChangelogReaderOptions, onChunk: (chunk: ReadChunk) => void | Promise<void>): Promise<void> {
  const byLeader = new Map<number, Position[]>();
  for (const range of ranges) {
    if (range.from >= range.end) continue;
    const leader = options.leaders.get(`${range.topic}|${range.partition}`);
    if (leader === undefined || leader < 0) throw new FetchError(`${range.topic}[${range.partition}] has no leader`, { retriable: true });
    const positions = byLeader.get(leader) ?? [];
    positions.push({ range, next: range.from, done: false });
    byLeader.set(leader, positions);
  }
  const connections: BrokerConnection[] = [];
  try {
    await Promise.all(
      [...byLeader].map(async ([nodeId, positions]) => {
        const broker = options.brokers.find((b) => b.nodeId === nodeId);
        if (!broker) throw new FetchError(`broker ${nodeId} is not in the cluster metadata`, { retriable: true });
        const connection = await BrokerConnection.connect({ host: broker.host, port: broker.port, clientId: options.clientId, ...(options.ssl ? { ssl: options.ssl } : {}), ...(options.requestTimeoutMs ? { requestTimeoutMs: options.requestTimeoutMs } : {}) });
        connections.push(connection);
        await readFromLeader(connection, positions, options, onChunk);
      }),
    );
  } finally {
    for (const connection of connections) connection.close();
  }
}

async function readFromLeader(connection: BrokerConnection, positions: Position[], options: ChangelogReaderOptions, onChunk: (chunk: ReadChunk) => void | Promise<void>): Promise<void> {
  const send = (): Promise<Buffer> | undefined => {
    const active = positions.filter((p) => !p.done);
    if (active.length === 0) return undefined;
    const topics = new Map<string, { partition: number; fetchOffset: bigint; maxBytes: number }[]>();
    for (const p of active) {
      const list = topics.get(p.range.topic) ?? [];
      list.push({ partition: p.range.partition, fetchOffset: p.next, maxBytes: options.maxBytesPerPartition ?? 4 * 1024 * 1024 });
      topics.set(p.range.topic, list);
    }
    const request = { maxWaitMs: options.maxWaitMs ?? 200, maxBytes: options.maxBytes ?? 16 * 1024 * 1024, isolationLevel: READ_COMMITTED, topics };
    return connection.request(FETCH_API_KEY, FETCH_VERSION, (writer) => encodeFetchRequest(request, writer));
  };
  const byKey = new Map(positions.map((p) => [`${p.range.topic}|${p.range.partition}`, p]));
  let inFlight = send();
  while (inFlight) {
    const response = decodeFetchResponse(await inFlight);
    if (response.errorCode !== 0) throw new FetchError(`fetch from ${connection.address} failed with error code ${response.errorCode}`, { retriable: false });
    const work: { position: Position; data: FetchPartitionResponse; from: bigint }[] = [];
    for (const data of response.partitions) {
      const position = byKey.get(`${data.topic}|${data.partition}`);
      if (!position || position.done) continue;
      checkPartitionError(data, position);
      const from = position.next;
      const after = offsetAfterLastBatch(data.records);
      if (after !== undefined && after > position.next) position.next = after;
      if (position.next >= position.range.end) position.done = true;
      work.push({ position, data, from });
    }
    inFlight = send(); // the next fetch is under way while this response is decoded and applied
    for (const { position, data, from } of work) {
      const records: FetchedRecord[] = [];
      if (data.records.length > 0) decodeRecordBatches(data.records, records, Number(from), Number(position.range.end), committedOnly(data));
      if (records.length > 0 || position.done) {
        await onChunk({ topic: position.range.topic, partition: position.range.partition, records, nextOffset: position.next, done: position.done });
      }
    }
  }
}

function checkPartitionError(data: FetchPartitionResponse, position: Position): void {
  if (data.errorCode === 0) return;
  const where = `${data.topic}[${data.partition}] at offset ${position.next}`;
  if (data.errorCode === OFFSET_OUT_OF_RANGE && position.next < data.logStartOffset) {
    position.next = data.logStartOffset; // the log start moved past the position (retention): go on from there
    return;
  }
  const retriable = RETRIABLE_CODES.get(data.errorCode);
  if (retriable) throw new FetchError(`${where}: ${retriable}`, { retriable: true });
  throw new FetchError(`${where}: fetch error code ${data.errorCode}`, { retriable: false });
}

/**
 * read_committed filtering of one response, as the Kafka consumer does it: a transactional batch
 * of a producer whose aborted transaction started at or before the batch's last offset is
 * dropped until that producer's ABORT marker; control batches are never delivered.
 */
function committedOnly(data: FetchPartitionResponse): (batch: BatchInfo) => boolean {
  if (data.abortedTransactions.length === 0) return (batch) => !batch.isControl;
  const pending = [...data.abortedTransactions].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0));
  const aborted = new Set<bigint>();
  return (batch) => {
    const lastOffset = batch.baseOffset + BigInt(batch.lastOffsetDelta);
    while (pending.length > 0 && pending[0]!.firstOffset <= lastOffset) aborted.add(pending.shift()!.producerId);
    if (batch.isControl) {
      if (batch.controlType === ABORT_MARKER) aborted.delete(batch.producerId);
      return false;
    }
    return !(batch.isTransactional && aborted.has(batch.producerId));
  };
}
