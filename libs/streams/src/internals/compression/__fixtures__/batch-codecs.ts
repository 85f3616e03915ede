import type { Admin } from 'kafkajs';
import { BrokerConnection } from '../../fetch/broker-connection';
import { decodeFetchResponse, encodeFetchRequest, FETCH_API_KEY, FETCH_VERSION } from '../../fetch/fetch-protocol';
import { Reader } from '../../fetch/wire';

/** Attributes of a RecordBatch: after baseOffset, batchLength, partitionLeaderEpoch, magic and crc. */
const ATTRIBUTES_POSITION = 8 + 4 + 4 + 1 + 4;

/**
 * Test helper: the compression codec ids (attributes bits 0–2) of the record batches stored in
 * partition 0 of a topic, as the broker returns them (a raw Fetch from offset 0, read_uncommitted),
 * so a spec can see which codec a producer really wrote.
 */
export async function storedCodecIds(admin: Admin, topic: string, clientId: string): Promise<number[]> {
  const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
  const leader = metadata!.partitions.find((p) => p.partitionId === 0)!.leader;
  const broker = (await admin.describeCluster()).brokers.find((b) => b.nodeId === leader)!;
  const connection = await BrokerConnection.connect({ host: broker.host, port: broker.port, clientId, requestTimeoutMs: 10_000, maxFrameBytes: 64 * 1024 * 1024 });
  try {
    const body = await connection.request(FETCH_API_KEY, FETCH_VERSION, (writer) =>
      encodeFetchRequest(writer, { maxWaitMs: 0, maxBytes: 16 * 1024 * 1024, isolationLevel: 0, topics: [{ topic, partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 16 * 1024 * 1024 }] }] }),
    );
    const response = decodeFetchResponse(new Reader(body));
    const records = response.topics[0]!.partitions[0]!.records ?? Buffer.alloc(0);
    const ids: number[] = [];
    for (let position = 0; position + ATTRIBUTES_POSITION + 2 <= records.length; ) {
      const size = 12 + records.readInt32BE(position + 8);
      if (position + size > records.length) break;
      const attributes = records.readInt16BE(position + ATTRIBUTES_POSITION);
      if ((attributes & 0x20) === 0) ids.push(attributes & 0x07); // control batches are never compressed
      position += size;
    }
    return ids;
  } finally {
    connection.close();
  }
}
