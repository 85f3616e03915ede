/**
 * The compiled, immutable form of a topology: what the DSL builder (or the processor API) produces
 * and what both the production runtime and the test driver execute. Nothing here knows about an
 * application id; internal topic names are resolved from `TopicRef`s with `names.ts` at run time.
 */
import type { ProcessorSupplier } from '../../api/processor';
import type { Serde, SyncSerde } from '../../api/serde';

export type TopicRef =
  | { readonly kind: 'external'; readonly name: string }
  /** Internal topic; resolved with `internalTopicName(app, name, 'repartition')`. */
  | { readonly kind: 'repartition'; readonly name: string };

/** Chooses the partition of an output record; default is the producer's (murmur2 of the key bytes). */
export type Partitioner = (keyBytes: Buffer | null, value: unknown, numPartitions: number) => number;

export interface SourceNodeSpec {
  readonly kind: 'source';
  readonly name: string;
  readonly topic: TopicRef;
  readonly keySerde: Serde<unknown>;
  readonly valueSerde: Serde<unknown>;
  readonly children: readonly string[];
}

export interface ProcessorNodeSpec {
  readonly kind: 'processor';
  readonly name: string;
  readonly supplier: ProcessorSupplier<unknown, unknown, unknown, unknown>;
  /** Names of the stores this processor may use. */
  readonly stores: readonly string[];
  readonly children: readonly string[];
}

export interface SinkNodeSpec {
  readonly kind: 'sink';
  readonly name: string;
  readonly topic: TopicRef;
  readonly keySerde: Serde<unknown>;
  readonly valueSerde: Serde<unknown>;
  readonly partitioner?: Partitioner;
}

export type NodeSpec = SourceNodeSpec | ProcessorNodeSpec | SinkNodeSpec;

export type ChangelogSpec =
  /** Writes go to `internalTopicName(app, store, 'changelog')` (compacted). */
  | { readonly kind: 'internal' }
  /** A table materialized from a compacted source topic: the topic itself is the changelog. */
  | { readonly kind: 'source'; readonly topic: TopicRef }
  /** Not logged: the store is lost with the local state. */
  | { readonly kind: 'none' };

export interface StoreSpec {
  readonly name: string;
  readonly keySerde: SyncSerde<unknown>;
  readonly valueSerde: SyncSerde<unknown>;
  readonly changelog: ChangelogSpec;
}

/**
 * A connected part of the graph between topics. One task per (subtopology, partition); the task
 * count is the partition count of its source topics (which must agree where they are co-partitioned).
 */
export interface SubtopologySpec {
  readonly id: number;
  readonly sourceNodes: readonly string[];
  readonly sourceTopics: readonly TopicRef[];
  /** Every node of this subtopology, sources first. */
  readonly nodes: readonly string[];
  readonly stores: readonly string[];
}

export interface RepartitionTopicSpec {
  readonly name: string;
  /** Fixed count; when absent the runtime uses the count of the co-partition group or the upstream sources. */
  readonly partitions?: number;
}

export interface TopologySpec {
  readonly nodes: ReadonlyMap<string, NodeSpec>;
  readonly stores: ReadonlyMap<string, StoreSpec>;
  readonly subtopologies: readonly SubtopologySpec[];
  /** Groups of topics whose partition counts must be equal (join inputs, table sources joined). */
  readonly copartitionGroups: readonly (readonly TopicRef[])[];
  readonly repartitionTopics: readonly RepartitionTopicSpec[];
}
