import type { Metadata, Serde } from '@platform/schemas';
import type { Partitioner } from '@platform/streams';

/** A metadata record and the key it is placed by (its conversation), for a sink that must not guess. */
export interface PlacedMetadata {
  readonly record: Metadata;
  readonly placementKey: string;
}

/** Serializes the record only; the placement key never reaches the topic. */
export function placedMetadataSerde(metadata: Serde<Metadata>): Serde<PlacedMetadata> {
  return {
    serialize: (topic, value) => metadata.serialize(topic, value.record),
    deserialize: async (topic, data) => {
      const record = await metadata.deserialize(topic, data);
      return { record, placementKey: record.identifier };
    },
  };
}

export function byPlacementKey(placement: (key: string, partitions: number) => number): Partitioner {
  return (_key, value, partitions) => placement((value as PlacedMetadata).placementKey, partitions);
}
