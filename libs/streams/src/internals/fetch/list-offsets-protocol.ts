import type { Reader, Writer } from './wire';

/** ListOffsets (api key 2) version 4: the newest non-flexible version that carries a leader epoch. */
export const LIST_OFFSETS_API_KEY = 2;
export const LIST_OFFSETS_VERSION = 4;
/** The timestamp that asks for a partition's log start offset. */
export const EARLIEST_TIMESTAMP = -2n;

export interface ListOffsetsPartitionResponse {
  partition: number;
  errorCode: number;
  offset: bigint;
}

/**
 * ListOffsets Request v4 body: replica_id isolation_level
 * [topics: name [partitions: partition_index current_leader_epoch timestamp]].
 */
export function encodeListOffsetsRequest(
  writer: Writer,
  isolationLevel: number,
  topics: readonly { topic: string; partitions: readonly { partition: number; timestamp: bigint }[] }[],
): void {
  writer.int32(-1).int8(isolationLevel).int32(topics.length);
  for (const { topic, partitions } of topics) {
    writer.string(topic).int32(partitions.length);
    for (const p of partitions) writer.int32(p.partition).int32(-1).int64(p.timestamp);
  }
}

/**
 * ListOffsets Response v4 body: throttle_time_ms
 * [topics: name [partitions: partition_index error_code timestamp offset leader_epoch]].
 */
export function decodeListOffsetsResponse(reader: Reader): { topic: string; partitions: ListOffsetsPartitionResponse[] }[] {
  reader.int32(); // throttle_time_ms
  const topics: { topic: string; partitions: ListOffsetsPartitionResponse[] }[] = [];
  for (let t = reader.int32(); t > 0; t--) {
    const topic = reader.string();
    const partitions: ListOffsetsPartitionResponse[] = [];
    for (let p = reader.int32(); p > 0; p--) {
      const partition = reader.int32();
      const errorCode = reader.int16();
      reader.int64(); // timestamp
      const offset = reader.int64();
      reader.int32(); // leader_epoch
      partitions.push({ partition, errorCode, offset });
    }
    topics.push({ topic, partitions });
  }
  return topics;
}
