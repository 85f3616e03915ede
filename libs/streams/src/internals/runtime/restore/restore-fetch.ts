import type { Admin } from 'kafkajs';
import type { ConnectionOptions } from 'node:tls';
import { readChangelogs, type FetchedRecord, type ReadRange } from '../../fetch/changelog-reader';
import { INPUT_OFFSETS_HEADER, lastInputOffsets } from './restore-request';
import type { RestoreLedger } from './restore-ledger';
import { tpKey } from '../../topic-partition';

/** Connection settings of the engine's own fetch path (the brokers come from the cluster metadata). */
export interface FetchConnection {
  readonly clientId: string;
  readonly ssl?: ConnectionOptions | boolean;
  readonly sasl?: { readonly mechanism: string; readonly username: string; readonly password: string };
}

const offsetOf = (record: FetchedRecord) => BigInt(record.offset);

function inputOffsets(records: readonly FetchedRecord[]): Map<string, string> | undefined {
  return lastInputOffsets(records.length, (i) => records[i]!.headers?.find(([key]) => key === INPUT_OFFSETS_HEADER)?.[1] ?? undefined);
}

/**
 * Reads the ledger's unfinished partitions with the engine's own Fetch reader (`internals/fetch`):
 * record batches decoded straight into key/value views, read committed, with the next fetch in
 * flight while a response is applied. Leaders and broker addresses come from the cluster
 * metadata. Rejects on any failure; the ledger keeps what was applied, so the caller can go on
 * from there with another reader.
 */
export async function restoreWithFetch(ledger: RestoreLedger, admin: Admin, connection: FetchConnection): Promise<void> {
  const requests = ledger.unfinished();
  if (requests.length === 0) return;
  const topics = [...new Set(requests.map((r) => r.binding.topic))];
  const [cluster, metadata] = await Promise.all([admin.describeCluster(), admin.fetchTopicMetadata({ topics })]);
  const leaders = new Map<string, number>();
  for (const topic of metadata.topics) for (const p of topic.partitions) leaders.set(tpKey(topic.name, p.partitionId), p.leader);
  const ranges: ReadRange[] = requests.map((r) => ({ topic: r.binding.topic, partition: r.binding.partition, from: r.from, end: r.end }));
  await readChangelogs(
    ranges,
    { brokers: cluster.brokers, leaders, clientId: connection.clientId, ...(connection.ssl ? { ssl: connection.ssl } : {}), ...(connection.sasl ? { sasl: connection.sasl } : {}) },
    (chunk) => {
      ledger.apply(chunk.topic, chunk.partition, chunk.records, offsetOf, inputOffsets);
      if (chunk.done) ledger.reached(chunk.topic, chunk.partition, chunk.nextOffset);
    },
  );
}
