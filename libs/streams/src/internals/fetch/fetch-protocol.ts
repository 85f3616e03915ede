import type { Reader, Writer } from './wire';

/** Fetch (api key 1) version 11: the newest non-flexible version. */
export const FETCH_API_KEY = 1;
export const FETCH_VERSION = 11;
export const READ_COMMITTED = 1;

export interface FetchPartitionRequest {
  partition: number;
  fetchOffset: bigint;
  partitionMaxBytes: number;
}

export interface FetchRequest {
  maxWaitMs: number;
  maxBytes: number;
  isolationLevel: number;
  topics: { topic: string; partitions: FetchPartitionRequest[] }[];
}

export interface AbortedTransaction {
  producerId: bigint;
  firstOffset: bigint;
}

export interface FetchPartitionResponse {
  partition: number;
  errorCode: number;
  highWatermark: bigint;
  lastStableOffset: bigint;
  logStartOffset: bigint;
  abortedTransactions: AbortedTransaction[] | null;
  preferredReadReplica: number;
  /** The RecordBatches, a view of the response frame; null or empty when there is nothing. */
  records: Buffer | null;
}

export interface FetchResponse {
  throttleTimeMs: number;
  errorCode: number;
  sessionId: number;
  topics: { topic: string; partitions: FetchPartitionResponse[] }[];
}

/**
 * Fetch Request v11 body: replica_id max_wait_ms min_bytes max_bytes isolation_level session_id session_epoch
 * [topics: topic [partitions: partition current_leader_epoch fetch_offset log_start_offset partition_max_bytes]]
 * [forgotten_topics_data: topic [partitions]] rack_id. No fetch session (id 0, epoch -1).
 */
export function encodeFetchRequest(writer: Writer, request: FetchRequest): void {
  writer
    .int32(-1) // replica_id: a consumer
    .int32(request.maxWaitMs)
    .int32(1) // min_bytes
    .int32(request.maxBytes)
    .int8(request.isolationLevel)
    .int32(0) // session_id
    .int32(-1) // session_epoch: full fetch, no session
    .int32(request.topics.length);
  for (const { topic, partitions } of request.topics) {
    writer.string(topic).int32(partitions.length);
    for (const p of partitions) {
      writer
        .int32(p.partition)
        .int32(-1) // current_leader_epoch: unknown
        .int64(p.fetchOffset)
        .int64(-1) // log_start_offset: consumers send -1
        .int32(p.partitionMaxBytes);
    }
  }
  writer.int32(0); // forgotten_topics_data
  writer.string(''); // rack_id
}

/**
 * Fetch Response v11 body (after the response header): throttle_time_ms error_code session_id
 * [responses: topic [partitions: partition_index error_code high_watermark last_stable_offset log_start_offset
 * [aborted_transactions: producer_id first_offset] (nullable) preferred_read_replica records (nullable)]].
 */
export function decodeFetchResponse(reader: Reader): FetchResponse {
  const throttleTimeMs = reader.int32();
  const errorCode = reader.int16();
  const sessionId = reader.int32();
  const topicCount = reader.int32();
  const topics: FetchResponse['topics'] = [];
  for (let t = 0; t < topicCount; t++) {
    const topic = reader.string();
    const partitionCount = reader.int32();
    const partitions: FetchPartitionResponse[] = [];
    for (let p = 0; p < partitionCount; p++) {
      const partition = reader.int32();
      const partitionError = reader.int16();
      const highWatermark = reader.int64();
      const lastStableOffset = reader.int64();
      const logStartOffset = reader.int64();
      const abortedCount = reader.int32();
      let abortedTransactions: AbortedTransaction[] | null = null;
      if (abortedCount >= 0) {
        abortedTransactions = [];
        for (let a = 0; a < abortedCount; a++) abortedTransactions.push({ producerId: reader.int64(), firstOffset: reader.int64() });
      }
      const preferredReadReplica = reader.int32();
      const records = reader.nullableBytes();
      partitions.push({
        partition,
        errorCode: partitionError,
        highWatermark,
        lastStableOffset,
        logStartOffset,
        abortedTransactions,
        preferredReadReplica,
        records,
      });
    }
    topics.push({ topic, partitions });
  }
  return { throttleTimeMs, errorCode, sessionId, topics };
}

/** Partition error codes the reader treats specially (Kafka protocol error table). */
export const ErrorCode = {
  NONE: 0,
  OFFSET_OUT_OF_RANGE: 1,
  UNKNOWN_TOPIC_OR_PARTITION: 3,
  LEADER_NOT_AVAILABLE: 5,
  NOT_LEADER_OR_FOLLOWER: 6,
  REQUEST_TIMED_OUT: 7,
  UNKNOWN_LEADER_EPOCH: 75,
  FENCED_LEADER_EPOCH: 74,
  UNKNOWN_TOPIC_ID: 100,
} as const;

/** Errors after which the same read may succeed once the caller refreshed its metadata. */
export function isRetriableFetchError(code: number): boolean {
  return (
    code === ErrorCode.NOT_LEADER_OR_FOLLOWER ||
    code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION ||
    code === ErrorCode.LEADER_NOT_AVAILABLE ||
    code === ErrorCode.FENCED_LEADER_EPOCH ||
    code === ErrorCode.UNKNOWN_LEADER_EPOCH
  );
}
