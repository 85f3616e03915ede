/**
 * The presence pipeline of Zenreach's "real-time presence detection" (without windows), as a
 * topology factory that the driver tests and the real-broker tests both run:
 *
 *   walk-ins (keyed by business) ──selectKey(device)──► repartition ──join──► enriched walk-ins
 *   device→contact table (compacted, keyed by device) ─────────────────┘            │
 *                                     groupBy(business|contact) ──► repartition ──► count ──► walk-in counts
 */
import type { TopologySpec } from '../internals/topology/spec';
import { StreamsBuilder } from '../dsl/streams-builder';
import { Serdes } from '../serdes/serdes';

export interface WalkIn {
  readonly deviceId: string;
  readonly businessId: string;
  readonly at: number;
}

export interface DeviceContact {
  readonly contactId: string;
  readonly email?: string;
}

export interface EnrichedWalkIn extends WalkIn {
  readonly contactId: string;
}

export interface PresenceTopics {
  /** Input: walk-ins, keyed by business id. */
  readonly walkIns: string;
  /** Input (compacted): device id → contact. */
  readonly deviceContacts: string;
  /** Output: enriched walk-ins, keyed by device id. */
  readonly enrichedWalkIns: string;
  /** Output: `<businessId>|<contactId>` → number of walk-ins (int64). */
  readonly walkInCounts: string;
}

export const presenceSerdes = {
  key: Serdes.string(),
  walkIn: Serdes.json<WalkIn>(),
  deviceContact: Serdes.json<DeviceContact>(),
  enrichedWalkIn: Serdes.json<EnrichedWalkIn>(),
  count: Serdes.int64(),
};

/** Every operator and store is named, so the internal topics are stable: `<app>-v<n>-walk-ins-by-device-repartition`, `...-walk-in-counts-changelog`, ... */
export function presenceTopology(topics: PresenceTopics): TopologySpec {
  const s = presenceSerdes;
  const builder = new StreamsBuilder();
  const contacts = builder.table(topics.deviceContacts, { keySerde: s.key, valueSerde: s.deviceContact, name: 'device-contacts' });
  const enriched = builder
    .stream(topics.walkIns, { keySerde: s.key, valueSerde: s.walkIn, name: 'walk-ins' })
    .selectKey((_business, walkIn) => walkIn.deviceId, { name: 'walk-ins-by-device', keySerde: s.key })
    .join(contacts, (walkIn, contact): EnrichedWalkIn => ({ ...walkIn, contactId: contact.contactId }), {
      name: 'enrich-walk-ins',
      valueSerde: s.walkIn,
    });
  enriched.to(topics.enrichedWalkIns, { name: 'enriched-walk-ins-sink', keySerde: s.key, valueSerde: s.enrichedWalkIn });
  enriched
    .groupBy((_device, e) => `${e.businessId}|${e.contactId}`, { name: 'walk-ins-by-contact', keySerde: s.key, valueSerde: s.enrichedWalkIn })
    .count({ name: 'walk-in-counts' })
    .toStream({ name: 'walk-in-counts-stream' })
    .to(topics.walkInCounts, { name: 'walk-in-counts-sink', valueSerde: s.count });
  return builder.build();
}
