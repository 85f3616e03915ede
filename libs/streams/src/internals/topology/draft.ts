import type { ProcessorSupplier } from '../../api/processor';
import type { Serde } from '../../api/serde';
import type { Partitioner, StoreSpec, TopicRef } from './spec';

/** A node as declared, before validation: parents instead of children. */
export type DraftNode =
  | {
      readonly kind: 'source';
      readonly name: string;
      readonly topic: TopicRef;
      readonly keySerde: Serde<unknown>;
      readonly valueSerde: Serde<unknown>;
    }
  | {
      readonly kind: 'processor';
      readonly name: string;
      readonly supplier: ProcessorSupplier<unknown, unknown, unknown, unknown>;
      readonly parents: readonly string[];
      readonly stores: string[];
    }
  | {
      readonly kind: 'sink';
      readonly name: string;
      readonly topic: TopicRef;
      readonly keySerde: Serde<unknown>;
      readonly valueSerde: Serde<unknown>;
      readonly partitioner?: Partitioner;
      readonly parents: readonly string[];
    };

/** Everything declared on a topology builder, in declaration order. */
export interface TopologyDraft {
  readonly nodes: ReadonlyMap<string, DraftNode>;
  readonly stores: ReadonlyMap<string, StoreSpec>;
  readonly copartitionGroups: readonly (readonly TopicRef[])[];
  /** Declared partition counts of repartition topics. */
  readonly repartitionPartitions: ReadonlyMap<string, number | undefined>;
}

export function topicKey(ref: TopicRef): string {
  return `${ref.kind}:${ref.name}`;
}

export function parentsOf(node: DraftNode): readonly string[] {
  return node.kind === 'source' ? [] : node.parents;
}
