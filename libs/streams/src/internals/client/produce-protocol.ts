import { Reader, type Writer } from '../fetch/wire';

export const PRODUCE_API_KEY = 0;
/** Produce v8: the last version before flexible encoding; v8 adds per-record errors and an error message. */
export const PRODUCE_VERSION = 8;

export interface ProducePartitionData {
  readonly partition: number;
  /** One encoded RecordBatch. */
  readonly batch: Buffer;
}

export interface ProduceRequest {
  readonly acks: number;
  readonly timeoutMs: number;
  readonly topics: readonly { readonly topic: string; readonly partitions: readonly ProducePartitionData[] }[];
}

export interface ProducePartitionResponse {
  readonly topic: string;
  readonly partition: number;
  readonly errorCode: number;
  readonly baseOffset: bigint;
  readonly logAppendTime: bigint;
  readonly logStartOffset: bigint;
  /** The broker's message for the error (v8), or null. */
  readonly errorMessage: string | null;
}

export function encodeProduceRequest(writer: Writer, request: ProduceRequest): void {
  writer.string(null); // transactional id
  writer.int16(request.acks);
  writer.int32(request.timeoutMs);
  writer.int32(request.topics.length);
  for (const { topic, partitions } of request.topics) {
    writer.string(topic);
    writer.int32(partitions.length);
    for (const { partition, batch } of partitions) {
      writer.int32(partition);
      writer.bytes(batch);
    }
  }
}

export function decodeProduceResponse(body: Buffer): ProducePartitionResponse[] {
  const reader = new Reader(body);
  const result: ProducePartitionResponse[] = [];
  const topicCount = reader.int32();
  for (let t = 0; t < topicCount; t++) {
    const topic = reader.string();
    const partitionCount = reader.int32();
    for (let p = 0; p < partitionCount; p++) {
      const partition = reader.int32();
      const errorCode = reader.int16();
      const baseOffset = reader.int64();
      const logAppendTime = reader.int64();
      const logStartOffset = reader.int64();
      const recordErrors = reader.int32();
      const details: string[] = [];
      for (let e = 0; e < recordErrors; e++) {
        const index = reader.int32();
        details.push(`record ${index}: ${reader.nullableString() ?? 'invalid'}`);
      }
      const message = reader.nullableString();
      const errorMessage = message === null && details.length === 0 ? null : [message, ...details].filter((m) => m !== null).join('; ');
      result.push({ topic, partition, errorCode, baseOffset, logAppendTime, logStartOffset, errorMessage });
    }
  }
  return result;
}

/** Produce error codes a retry can get past (after refreshing the leaders where it says so). */
const RETRIABLE = new Map<number, string>([
  [2, 'CORRUPT_MESSAGE'],
  [3, 'UNKNOWN_TOPIC_OR_PARTITION'],
  [5, 'LEADER_NOT_AVAILABLE'],
  [6, 'NOT_LEADER_OR_FOLLOWER'],
  [7, 'REQUEST_TIMED_OUT'],
  [13, 'NETWORK_EXCEPTION'],
  [19, 'NOT_ENOUGH_REPLICAS'],
  [20, 'NOT_ENOUGH_REPLICAS_AFTER_APPEND'],
  [56, 'KAFKA_STORAGE_ERROR'],
]);

const FATAL = new Map<number, string>([
  [10, 'MESSAGE_TOO_LARGE'],
  [18, 'RECORD_LIST_TOO_LARGE'],
  [29, 'TOPIC_AUTHORIZATION_FAILED'],
  [87, 'INVALID_RECORD'],
]);

export function isRetriableProduceError(code: number): boolean {
  return RETRIABLE.has(code);
}

/** Leadership moved or is unknown: refresh the metadata before the retry. */
export function needsMetadataRefresh(code: number): boolean {
  return code === 3 || code === 5 || code === 6;
}

export function produceErrorName(code: number): string {
  return RETRIABLE.get(code) ?? FATAL.get(code) ?? `error ${code}`;
}
