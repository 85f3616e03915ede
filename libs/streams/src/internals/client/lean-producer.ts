import type { Admin, Message, ProducerBatch, RecordMetadata } from 'kafkajs';
import { BrokerConnection } from '../fetch/broker-connection';
import { FetchError } from '../fetch/errors';
import { partitionForKey } from '../partitioning/murmur2';
import type { FetchConnection } from '../runtime/restore/restore-fetch';
import { ProduceError } from './errors';
import {
  decodeProduceResponse,
  encodeProduceRequest,
  isRetriableProduceError,
  needsMetadataRefresh,
  PRODUCE_API_KEY,
  PRODUCE_VERSION,
  produceErrorName,
} from './produce-protocol';
import { encodeRecordBatch, type OutgoingRecord } from './record-batch-writer';

export interface LeanProducerOptions {
  /** Cluster metadata (brokers, partition leaders) comes from kafkajs' admin client. */
  readonly admin: Pick<Admin, 'describeCluster' | 'fetchTopicMetadata'>;
  readonly connection: FetchConnection;
  /** Per request (default 30 000 ms); also the broker's produce timeout. */
  readonly requestTimeoutMs?: number;
  /** Retries of a partition's batch after a retriable error (default 5). */
  readonly retries?: number;
  /** First retry delay, doubled on each further retry (default 100 ms). */
  readonly retryBackoffMs?: number;
}

interface PartitionBatch {
  readonly topic: string;
  readonly partition: number;
  readonly records: OutgoingRecord[];
  batch?: Buffer;
}

/**
 * The engine's own produce path (`producePath: 'lean'`): the same `sendBatch` contract as a kafkajs
 * producer — one RecordBatch per partition per call, acks as asked, one metadata entry per partition
 * with its base offset — but batches are encoded in one pass into one buffer (record-batch-writer)
 * and sent with one Produce request per leader over the engine's broker connections. Not idempotent and
 * not transactional, as the at-least-once producer it replaces: a batch retried after a lost answer
 * may be appended twice. Partitions as kafkajs' default partitioner: an explicit partition, else
 * murmur2 of the key, else round robin.
 */
export class LeanProducer {
  private readonly brokers = new Map<number, { host: string; port: number }>();
  /** Leader node id per partition, by topic. */
  private readonly leaders = new Map<string, number[]>();
  private readonly connections = new Map<number, Promise<BrokerConnection>>();
  private readonly roundRobin = new Map<string, number>();
  private closed = false;

  constructor(private readonly options: LeanProducerOptions) {}

  async sendBatch(request: ProducerBatch): Promise<RecordMetadata[]> {
    if (this.closed) throw new ProduceError('the producer is closed', 'CLOSED');
    const acks = request.acks ?? -1;
    if (acks !== -1 && acks !== 1) throw new ProduceError(`acks ${acks} is not supported (only 1 and -1)`, 'INVALID_CONFIG');
    const topicMessages = request.topicMessages ?? [];
    const topics = [...new Set(topicMessages.map((t) => t.topic))];
    if (topics.some((t) => !this.leaders.has(t))) await this.refreshMetadata(topics);
    const groups: PartitionBatch[] = [];
    /** This call's batch per partition, by topic (a topic may come in several entries). */
    const batches = new Map<string, (PartitionBatch | undefined)[]>();
    const now = Date.now();
    for (const { topic, messages } of topicMessages) {
      const count = this.leaders.get(topic)!.length;
      let byPartition = batches.get(topic);
      if (!byPartition) batches.set(topic, (byPartition = new Array<PartitionBatch | undefined>(count)));
      for (const message of messages) {
        const partition = message.partition ?? this.partitionFor(topic, message, count);
        if (!Number.isInteger(partition) || partition < 0 || partition >= count) {
          throw new ProduceError(`partition ${partition} of ${topic} does not exist (${count} partitions)`, 'UNKNOWN_TOPIC_OR_PARTITION');
        }
        let group = byPartition[partition];
        if (!group) groups.push((group = byPartition[partition] = { topic, partition, records: [] }));
        group.records.push({
          key: asBuffer(message.key),
          value: asBuffer(message.value),
          timestamp: timestampOf(message.timestamp, now),
          headers: message.headers,
        });
      }
    }
    const compression = request.compression ?? 0;
    for (const group of groups) group.batch = encodeRecordBatch(group.records, compression);
    return this.deliver(groups, acks, topics);
  }

  /** Closes the broker connections; later sends are refused. */
  async disconnect(): Promise<void> {
    this.closed = true;
    const open = [...this.connections.values()];
    this.connections.clear();
    for (const pending of open) (await pending.catch(() => undefined))?.close();
  }

  private async deliver(batches: PartitionBatch[], acks: number, topics: string[]): Promise<RecordMetadata[]> {
    const retries = this.options.retries ?? 5;
    const results: RecordMetadata[] = [];
    let pending = batches;
    for (let attempt = 0; ; attempt++) {
      const byLeader = new Map<number, PartitionBatch[]>();
      for (const b of pending) {
        const leader = this.leaders.get(b.topic)?.[b.partition] ?? -1;
        const list = byLeader.get(leader) ?? [];
        list.push(b);
        byLeader.set(leader, list);
      }
      const again: PartitionBatch[] = [];
      let refresh = false;
      let lastReason = '';
      await Promise.all(
        [...byLeader].map(async ([leader, list]) => {
          let answers;
          try {
            if (leader < 0) throw new ProduceError('no leader known', 'LEADER_NOT_AVAILABLE', { retriable: true });
            answers = await this.produceTo(leader, list, acks);
          } catch (error) {
            if (!(error instanceof FetchError || error instanceof ProduceError) || !error.retriable) throw error;
            again.push(...list);
            refresh = true;
            lastReason = error.message;
            return;
          }
          for (const b of list) {
            const answer = answers.find((a) => a.topic === b.topic && a.partition === b.partition);
            const code = answer ? answer.errorCode : 13;
            if (code === 0) {
              const a = answer!;
              results.push({ topicName: b.topic, partition: b.partition, errorCode: 0, baseOffset: String(a.baseOffset), logAppendTime: String(a.logAppendTime), logStartOffset: String(a.logStartOffset) });
              continue;
            }
            const reason = `${produceErrorName(code)} on ${b.topic}-${b.partition}${answer?.errorMessage ? `: ${answer.errorMessage}` : answer ? '' : ': no answer for the partition'}`;
            if (!isRetriableProduceError(code)) throw new ProduceError(`produce refused: ${reason}`, produceErrorName(code));
            again.push(b);
            lastReason = reason;
            if (needsMetadataRefresh(code)) refresh = true;
          }
        }),
      );
      if (again.length === 0) return results;
      if (attempt >= retries) throw new ProduceError(`produce failed after ${attempt + 1} attempts: ${lastReason}`, 'RETRIES_EXHAUSTED', { retriable: true });
      await new Promise((r) => setTimeout(r, (this.options.retryBackoffMs ?? 100) * 2 ** attempt));
      if (refresh) await this.refreshMetadata(topics);
      pending = again;
    }
  }

  private async produceTo(nodeId: number, batches: readonly PartitionBatch[], acks: number) {
    const byTopic = new Map<string, { partition: number; batch: Buffer }[]>();
    for (const b of batches) {
      const list = byTopic.get(b.topic) ?? [];
      list.push({ partition: b.partition, batch: b.batch! });
      byTopic.set(b.topic, list);
    }
    const timeoutMs = this.options.requestTimeoutMs ?? 30_000;
    const connection = await this.connectionTo(nodeId);
    try {
      const body = await connection.request(PRODUCE_API_KEY, PRODUCE_VERSION, (w) =>
        encodeProduceRequest(w, { acks, timeoutMs, topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })) }),
      );
      return decodeProduceResponse(body);
    } catch (error) {
      if (error instanceof FetchError && error.retriable) this.connections.delete(nodeId);
      throw error;
    }
  }

  private connectionTo(nodeId: number): Promise<BrokerConnection> {
    let pending = this.connections.get(nodeId);
    if (!pending) {
      const broker = this.brokers.get(nodeId);
      if (!broker) return Promise.reject(new ProduceError(`broker ${nodeId} is not in the cluster metadata`, 'LEADER_NOT_AVAILABLE', { retriable: true }));
      const { clientId, ssl, sasl } = this.options.connection;
      pending = BrokerConnection.connect({ host: broker.host, port: broker.port, clientId, requestTimeoutMs: this.options.requestTimeoutMs ?? 30_000, ...(ssl ? { ssl } : {}), ...(sasl ? { sasl } : {}) });
      pending.catch(() => this.connections.delete(nodeId));
      this.connections.set(nodeId, pending);
    }
    return pending;
  }

  private async refreshMetadata(topics: readonly string[]): Promise<void> {
    const [cluster, metadata] = await Promise.all([this.options.admin.describeCluster(), this.options.admin.fetchTopicMetadata({ topics: [...topics] })]);
    for (const b of cluster.brokers) this.brokers.set(b.nodeId, { host: b.host, port: b.port });
    for (const topic of metadata.topics) {
      const leaders: number[] = [];
      for (const p of topic.partitions) leaders[p.partitionId] = p.leader;
      this.leaders.set(topic.name, Array.from(leaders, (l) => l ?? -1));
    }
  }

  private partitionFor(topic: string, message: Message, count: number): number {
    const key = asBuffer(message.key ?? null);
    if (key) return partitionForKey(key, count);
    const next = this.roundRobin.get(topic) ?? 0;
    this.roundRobin.set(topic, next + 1);
    return next % count;
  }
}

/** Epoch ms of a message: its own (whole milliseconds), else the send time. */
function timestampOf(given: string | undefined, now: number): number {
  const ms = given === undefined ? NaN : Number(given);
  return Number.isFinite(ms) ? Math.trunc(ms) : now;
}

function asBuffer(value: Buffer | string | null | undefined): Buffer | null {
  if (value === null || value === undefined) return null;
  return Buffer.isBuffer(value) ? value : Buffer.from(value, 'utf8');
}
