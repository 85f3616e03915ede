import type { ProcessorSupplier } from '../../api/processor';
import type { Serde } from '../../api/serde';
import { TopologyError } from '../../errors';
import { compileTopology } from './compile';
import type { DraftNode } from './draft';
import type { Partitioner, StoreSpec, TopicRef, TopologySpec } from './spec';

export interface SourceOptions<K, V> {
  readonly keySerde: Serde<K>;
  readonly valueSerde: Serde<V>;
}

export interface SinkOptions<K, V> {
  readonly keySerde: Serde<K>;
  readonly valueSerde: Serde<V>;
  /** Default: murmur2 of the key bytes, like the producer's default partitioner. */
  readonly partitioner?: Partitioner;
}

/** A topic name (external topic) or a `TopicRef` (e.g. `{ kind: 'repartition', name }`). */
export type TopicInput = string | TopicRef;

function toRef(topic: TopicInput): TopicRef {
  return typeof topic === 'string' ? { kind: 'external', name: topic } : topic;
}

/**
 * The processor API: declare sources, processors, stores and sinks by name, then `build()` a
 * validated `TopologySpec`. Parents may be declared after their children; everything is checked
 * in `build()` (unknown parents, cycles, unconnected stores, a topic read twice). Duplicate names
 * fail immediately. The DSL (`StreamsBuilder`) compiles to the same builder.
 */
export class Topology {
  private readonly nodes = new Map<string, DraftNode>();
  private readonly stores = new Map<string, StoreSpec>();
  private readonly copartitionGroups: TopicRef[][] = [];
  private readonly repartitionPartitions = new Map<string, number | undefined>();
  /** (processor, store) pairs; checked in `build()` so processors may be declared later. */
  private readonly pendingConnections: (readonly [string, string])[] = [];

  addSource<K, V>(name: string, topic: TopicInput, options: SourceOptions<K, V>): this {
    return this.add({
      kind: 'source',
      name,
      topic: toRef(topic),
      keySerde: options.keySerde as Serde<unknown>,
      valueSerde: options.valueSerde as Serde<unknown>,
    });
  }

  addProcessor<KIn, VIn, KOut, VOut>(
    name: string,
    supplier: ProcessorSupplier<KIn, VIn, KOut, VOut>,
    ...parents: string[]
  ): this {
    return this.add({
      kind: 'processor',
      name,
      supplier: supplier as unknown as ProcessorSupplier<unknown, unknown, unknown, unknown>,
      parents,
      stores: [],
    });
  }

  addSink<K, V>(name: string, topic: TopicInput, options: SinkOptions<K, V>, ...parents: string[]): this {
    return this.add({
      kind: 'sink',
      name,
      topic: toRef(topic),
      keySerde: options.keySerde as Serde<unknown>,
      valueSerde: options.valueSerde as Serde<unknown>,
      ...(options.partitioner ? { partitioner: options.partitioner } : {}),
      parents,
    });
  }

  /** Adds a store and connects it to the named processors (which may be declared later). */
  addStateStore(store: StoreSpec, ...processorNames: string[]): this {
    if (this.stores.has(store.name)) throw new TopologyError(`store ${store.name} is already defined`);
    this.stores.set(store.name, store);
    this.pendingConnections.push(...processorNames.map((p) => [p, store.name] as const));
    return this;
  }

  connectProcessorAndStateStores(processorName: string, ...storeNames: string[]): this {
    this.pendingConnections.push(...storeNames.map((s) => [processorName, s] as const));
    return this;
  }

  /** Declares a fixed partition count for a repartition topic (default: decided by the runtime). */
  addRepartitionTopic(name: string, options: { partitions?: number } = {}): this {
    const { partitions } = options;
    if (partitions !== undefined && (!Number.isInteger(partitions) || partitions < 1)) {
      throw new TopologyError(`repartition topic ${name}: partitions must be a positive integer`);
    }
    this.repartitionPartitions.set(name, partitions);
    return this;
  }

  /** Topics whose partition counts must be equal (e.g. the two inputs of a join). */
  addCopartitionGroup(...topics: TopicInput[]): this {
    this.copartitionGroups.push(topics.map(toRef));
    return this;
  }

  has(name: string): boolean {
    return this.nodes.has(name);
  }

  hasStore(name: string): boolean {
    return this.stores.has(name);
  }

  build(): TopologySpec {
    const nodes = new Map<string, DraftNode>();
    for (const [name, node] of this.nodes) {
      nodes.set(name, node.kind === 'processor' ? { ...node, stores: [...node.stores] } : node);
    }
    for (const [processor, store] of this.pendingConnections) {
      const node = nodes.get(processor);
      if (!node) throw new TopologyError(`store ${store} is connected to unknown processor ${processor}`);
      if (node.kind !== 'processor') throw new TopologyError(`store ${store} is connected to ${node.kind} ${processor}`);
      if (!node.stores.includes(store)) node.stores.push(store);
    }
    return compileTopology({
      nodes,
      stores: this.stores,
      copartitionGroups: this.copartitionGroups,
      repartitionPartitions: this.repartitionPartitions,
    });
  }

  private add(node: DraftNode): this {
    if (!node.name) throw new TopologyError('node name must not be empty');
    if (this.nodes.has(node.name)) throw new TopologyError(`node ${node.name} is already defined`);
    this.nodes.set(node.name, node);
    return this;
  }
}
