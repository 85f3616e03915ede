import type { KafkaMessage } from 'kafkajs';
import type { Logger } from '@platform/common';
import { FetchError } from '../fetch/errors';
import type { FetchConnection } from '../runtime/restore/restore-fetch';
import { parseTpKey, tpKey, type TopicPartitionKey } from '../topic-partition';
import { LeaderFetch, type InputPartition, type LeaderFetchContext } from './leader-fetch';

/** Which client reads the input for processing: kafkajs (default) or the engine's own fetch path. */
export type FetchPath = 'kafkajs' | 'lean';

/** One partition's records as the processing loop takes them (kafkajs' message shape). */
export interface InputBatch {
  readonly topic: string;
  readonly partition: number;
  readonly messages: KafkaMessage[];
  readonly highWatermark: string;
  /** Marks the records up to `offset` processed: the partition's position moves past it. */
  resolveOffset(offset: string): void;
  /** False once the partition was sought, paused or unassigned, or the fetcher suspended or stopped: process no more of it. */
  current(): boolean;
}

/** Where the brokers are and which broker leads each input partition. */
export interface ClusterView {
  readonly brokers: ReadonlyMap<number, { readonly host: string; readonly port: number }>;
  /** tpKey -> leader node id. */
  readonly leaders: ReadonlyMap<string, number>;
}

export interface InputFetcherOptions {
  readonly connection: FetchConnection;
  /** The cluster's brokers and the leaders of these topics (e.g. from kafkajs' admin). */
  readonly metadata: (topics: readonly string[]) => Promise<ClusterView>;
  /** Awaited before the next batch of any partition is handed on. */
  readonly onBatch: (batch: InputBatch) => Promise<void>;
  /** A failure no retry mends (a partition error such as an authorization failure, an unreadable batch): the application stops. */
  readonly onFatal: (error: unknown) => void;
  readonly logger: Logger;
  /** Default 250: how long a broker may hold a fetch with nothing new. */
  readonly maxWaitMs?: number;
  /** Default 16 MiB per response. */
  readonly maxBytes?: number;
  /** Default 1 MiB per partition and response. */
  readonly maxBytesPerPartition?: number;
  /** Default 30 000. */
  readonly requestTimeoutMs?: number;
}

/**
 * The processing input read by the engine's own Fetch client (`internals/fetch`) instead of kafkajs:
 * kafkajs keeps the group membership, heartbeats and offset commits, while this reads the assigned
 * partitions, read_committed, one connection per partition leader with the next fetch in flight
 * while a response is processed, and hands each partition's records on as kafkajs' messages.
 *
 * A partition has a position (the offset after the last record resolved by the processing loop) and
 * a fetch offset (where the next fetch starts, ahead of it while responses are in flight). `seek`,
 * `pause`, `suspend` and `assign` start a new epoch for the partitions they touch: records fetched
 * before it are dropped, and fetching goes on from the position. `pause`, `resume` and `seek` have
 * kafkajs' signatures, so the runtime's pause/rewind code drives either consumer.
 */
export class InputFetcher {
  private readonly partitions = new Map<TopicPartitionKey, InputPartition>();
  /** Paused partitions (kept across assignments, as kafkajs keeps them). */
  private readonly paused = new Set<TopicPartitionKey>();
  private readonly leaders = new Map<number, LeaderFetch>();
  private view: ClusterView = { brokers: new Map(), leaders: new Map() };
  private refreshing: Promise<void> | undefined;
  private suspended = true;
  private stopped = false;
  private epochs = 0;
  private readonly context: LeaderFetchContext;

  constructor(private readonly options: InputFetcherOptions) {
    this.context = {
      options,
      fetchable: (nodeId) => this.fetchable(nodeId),
      isCurrent: (p, epoch) => this.isCurrent(p, epoch),
      rewind: (p) => this.rewind(p),
      leaderMoved: (p) => this.leaderMoved(p),
      stopped: () => this.stopped,
    };
  }

  /**
   * The new assignment. Partitions kept from the last one go on from their positions; `starts`
   * gives where new partitions (and any partition whose position must be forgotten) begin.
   */
  async assign(owned: readonly { topic: string; partition: number }[], starts: ReadonlyMap<TopicPartitionKey, string>): Promise<void> {
    const keys = new Set(owned.map((p) => tpKey(p.topic, p.partition)));
    for (const key of [...this.partitions.keys()]) if (!keys.has(key)) this.partitions.delete(key);
    for (const key of keys) {
      const start = starts.get(key);
      const existing = this.partitions.get(key);
      if (start === undefined && !existing) throw new FetchError(`no start offset for newly assigned ${key}`, { retriable: false });
      const p = existing ?? newPartition(key, BigInt(start!));
      if (start !== undefined) p.position = BigInt(start);
      this.rewind(p);
      this.partitions.set(key, p);
    }
    this.suspended = false;
    // a refresh under way may have been started for other topics
    await this.refreshing?.catch(() => undefined);
    await this.refreshMetadata();
    this.wakeAll();
  }

  /** A rebalance began: nothing is fetched or handed on until the next assignment. */
  suspend(): void {
    this.suspended = true;
    for (const p of this.partitions.values()) this.rewind(p);
  }

  pause(topics: readonly { topic: string; partitions?: number[] }[]): void {
    for (const key of this.keysOf(topics)) {
      this.paused.add(key);
      const p = this.partitions.get(key);
      if (p) this.rewind(p);
    }
  }

  resume(topics: readonly { topic: string; partitions?: number[] }[]): void {
    for (const key of this.keysOf(topics)) this.paused.delete(key);
    this.wakeAll();
  }

  seek({ topic, partition, offset }: { topic: string; partition: number; offset: string }): void {
    const p = this.partitions.get(tpKey(topic, partition));
    if (!p) return;
    p.position = BigInt(offset);
    this.rewind(p);
    this.wakeAll();
  }

  /** Closes every connection; resolves once no batch is being handed on. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.leaders.values()].map((l) => l.stop()));
    this.leaders.clear();
  }

  private keysOf(topics: readonly { topic: string; partitions?: number[] }[]): TopicPartitionKey[] {
    const keys: TopicPartitionKey[] = [];
    for (const { topic, partitions } of topics) {
      if (partitions) for (const partition of partitions) keys.push(tpKey(topic, partition));
      else for (const key of this.partitions.keys()) if (parseTpKey(key).topic === topic) keys.push(key);
    }
    return keys;
  }

  /** Drops what was fetched for the partition and fetches again from its position. */
  private rewind(p: InputPartition): void {
    p.epoch = ++this.epochs;
    p.fetchOffset = p.position;
    p.aborts.reset();
    p.parked = false;
  }

  private isCurrent(p: InputPartition, epoch: number): boolean {
    return !this.stopped && !this.suspended && p.epoch === epoch && this.partitions.get(p.key) === p && !this.paused.has(p.key);
  }

  /** The partitions a leader's loop fetches now. */
  private fetchable(nodeId: number): InputPartition[] {
    if (this.suspended || this.stopped) return [];
    const result: InputPartition[] = [];
    for (const p of this.partitions.values()) {
      if (!p.parked && !this.paused.has(p.key) && this.view.leaders.get(p.key) === nodeId) result.push(p);
    }
    return result;
  }

  /** A broker said it no longer leads the partition: park it until the metadata says who does. */
  private leaderMoved(p: InputPartition): void {
    p.parked = true;
    void this.refreshMetadata().catch(() => undefined);
  }

  private refreshMetadata(): Promise<void> {
    if (this.refreshing) return this.refreshing;
    const topics = [...new Set([...this.partitions.keys()].map((k) => parseTpKey(k).topic))];
    this.refreshing = (async () => {
      let delay = 100;
      while (!this.stopped) {
        try {
          this.view = topics.length === 0 ? this.view : await this.options.metadata(topics);
          break;
        } catch (error) {
          this.options.logger.warn('input fetcher: reading the cluster metadata failed; retrying', { error: String(error) });
          await new Promise((r) => setTimeout(r, delay).unref());
          delay = Math.min(delay * 2, 5_000);
        }
      }
      let leaderless = false;
      for (const p of this.partitions.values()) {
        const nodeId = this.view.leaders.get(p.key);
        if (nodeId === undefined || nodeId < 0 || !this.view.brokers.has(nodeId)) {
          p.parked = true;
          leaderless = true;
        } else if (p.parked) {
          this.rewind(p);
        }
      }
      this.startLeaders();
      return leaderless;
    })().then(
      (leaderless) => {
        this.refreshing = undefined;
        // an election under way: look again shortly
        if (leaderless && !this.stopped) setTimeout(() => void this.refreshMetadata().catch(() => undefined), 500).unref();
      },
      (error) => {
        this.refreshing = undefined;
        throw error;
      },
    );
    return this.refreshing;
  }

  /** One loop per broker leading an assigned partition (a loop with nothing to fetch idles). */
  private startLeaders(): void {
    if (this.stopped) return;
    for (const [key] of this.partitions) {
      const nodeId = this.view.leaders.get(key);
      if (nodeId === undefined || nodeId < 0 || this.leaders.has(nodeId)) continue;
      const broker = this.view.brokers.get(nodeId);
      if (!broker) continue;
      const leader = new LeaderFetch(nodeId, () => this.view.brokers.get(nodeId), this.context);
      this.leaders.set(nodeId, leader);
      leader.start();
    }
    this.wakeAll();
  }

  private wakeAll(): void {
    for (const leader of this.leaders.values()) leader.wake();
  }
}

function newPartition(key: TopicPartitionKey, position: bigint): InputPartition {
  const { topic, partition } = parseTpKey(key);
  return LeaderFetch.partition(key, topic, partition, position);
}
