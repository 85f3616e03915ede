import { Reader, Writer } from './wire';

/** Fetch, request v11 (non-flexible; Kafka 4.x serves v4 and up). */
export const FETCH_API_KEY = 1;
export const FETCH_VERSION = 11;
export const READ_COMMITTED = 1;

export interface FetchPartitionRequest {
  readonly partition: number;
  readonly fetchOffset: bigint;
  readonly maxBytes: number;
}

export interface FetchRequest {
  readonly maxWaitMs: number;
  readonly maxBytes: number;
  readonly isolationLevel: number;
  readonly topics: ReadonlyMap<string, readonly FetchPartitionRequest[]>;
}

export interface AbortedTransaction {
  readonly producerId: bigint;
  readonly firstOffset: bigint;
}

export interface FetchPartitionResponse {
  readonly topic: string;
  readonly partition: number;
  readonly errorCode: number;
  readonly highWatermark: bigint;
  readonly lastStableOffset: bigint;
  readonly logStartOffset: bigint;
  readonly abortedTransactions: readonly AbortedTransaction[];
  /** The partition's record batches (a view into the response), empty when there are none. */
  readonly records: Buffer;
}

export interface FetchResponse {
  readonly errorCode: number;
  readonly partitions: FetchPartitionResponse[];
}

/** The body of a Fetch v11 request (after the request header): sessionless (session 0, epoch -1), no rack. */
export function encodeFetchRequest(request: FetchRequest, writer: Writer): Writer {
  writer.int32(-1); // replica_id: a consumer
  writer.int32(request.maxWaitMs);
  writer.int32(1); // min_bytes
  writer.int32(request.maxBytes);
  writer.int8(request.isolationLevel);
  writer.int32(0); // session_id
  writer.int32(-1); // session_epoch: full fetch, no session
  writer.int32(request.topics.size);
  for (const [topic, partitions] of request.topics) {
    writer.string(topic);
    writer.int32(partitions.length);
    for (const p of partitions) {
      writer.int32(p.partition);
      writer.int32(-1); // current_leader_epoch: unknown
      writer.int64(p.fetchOffset);
      writer.int64(-1); // log_start_offset: only followers send it
      writer.int32(p.maxBytes);
    }
  }
  writer.int32(0); // forgotten_topics_data
  writer.string(''); // rack_id
  return writer;
}

/** Decodes a Fetch v11 response body (after the correlation id). */
export function decodeFetchResponse(body: Buffer): FetchResponse {
  const reader = new Reader(body);
  reader.int32(); // throttle_time_ms
  const errorCode = reader.int16();
  reader.int32(); // session_id
  const partitions: FetchPartitionResponse[] = [];
  const topicCount = reader.int32();
  for (let t = 0; t < topicCount; t++) {
    const topic = reader.string();
    const partitionCount = reader.int32();
    for (let p = 0; p < partitionCount; p++) {
      const partition = reader.int32();
      const partitionError = reader.int16();
      const highWatermark = reader.int64();
      const lastStableOffset = reader.int64();
      const logStartOffset = reader.int64();
      const abortedCount = reader.int32();
      const abortedTransactions: AbortedTransaction[] = [];
      for (let a = 0; a < abortedCount; a++) abortedTransactions.push({ producerId: reader.int64(), firstOffset: reader.int64() });
      reader.int32(); // preferred_read_replica
      const records = reader.nullableBytes() ?? Buffer.alloc(0);
      partitions.push({ topic, partition, errorCode: partitionError, highWatermark, lastStableOffset, logStartOffset, abortedTransactions, records });
    }
  }
  return { errorCode, partitions };
}
