import type { ChatSerdes, ChatTopics } from '@platform/chat-streams';
import type { Channel, Metadata, Tag, Template } from '@platform/schemas';
import { Serdes, Stores, Topology, type KeyValueStore, type Processor, type ProcessorContext, type StreamRecord, type TopologySpec } from '@platform/streams';
import { withChannel, withMetadata, type ChannelDocument } from './channel-document';
import { AdminStores } from './stores';

/** The topic serdes the topology reads with (the registry's Avro serdes in production). */
export type AdminTopicSerdes = Pick<ChatSerdes, 'channel' | 'metadata' | 'tag' | 'template'>;

const key = Serdes.string();

/**
 * The admin application's topology: three independent subtopologies.
 *
 * - channels + metadata (co-partitioned: both placed by channel id) → `channels` store. Only
 *   metadata about channels is kept; `channel-metadata-index` remembers which channel a fact
 *   record id belongs to, so its tombstone can be applied.
 * - tags (one partition) → `tags` store; a tombstone deletes the tag.
 * - templates (one partition) → `templates` store; a tombstone deletes the template.
 */
export function adminTopology(topics: Pick<ChatTopics, 'channels' | 'metadata' | 'tags' | 'templates'>, serdes: AdminTopicSerdes): TopologySpec {
  return new Topology()
    .addSource('channels-source', topics.channels, { keySerde: key, valueSerde: serdes.channel })
    .addSource('metadata-source', topics.metadata, { keySerde: key, valueSerde: serdes.metadata })
    .addProcessor('channels-processor', () => new ChannelProcessor(), 'channels-source')
    .addProcessor('channel-metadata-processor', () => new ChannelMetadataProcessor(), 'metadata-source')
    .addStateStore(Stores.keyValue(AdminStores.channels, key, Serdes.json<ChannelDocument>()), 'channels-processor', 'channel-metadata-processor')
    .addStateStore(Stores.keyValue(AdminStores.channelMetadataIndex, key, Serdes.string()), 'channel-metadata-processor')
    .addSource('tags-source', topics.tags, { keySerde: key, valueSerde: serdes.tag })
    .addProcessor('tags-processor', () => new EntityProcessor<Tag>(AdminStores.tags), 'tags-source')
    .addStateStore(Stores.keyValue(AdminStores.tags, key, Serdes.json<Tag>()), 'tags-processor')
    .addSource('templates-source', topics.templates, { keySerde: key, valueSerde: serdes.template })
    .addProcessor('templates-processor', () => new EntityProcessor<Template>(AdminStores.templates), 'templates-source')
    .addStateStore(Stores.keyValue(AdminStores.templates, key, Serdes.json<Template>()), 'templates-processor')
    .build();
}

/** Channel records (keyed by channel id) into the channel's document. */
class ChannelProcessor implements Processor<string, Channel | null, never, never> {
  private store!: KeyValueStore<string, ChannelDocument>;

  init(context: ProcessorContext<never, never>): void {
    this.store = context.getStateStore(AdminStores.channels);
  }

  process(record: StreamRecord<string, Channel | null>): void {
    const id = record.value?.id ?? record.key;
    if (!id) return;
    save(this.store, id, withChannel(this.store.get(id), record.value));
  }
}

/** Channel metadata facts (keyed by record id) into the channel's document; other subjects are skipped. */
class ChannelMetadataProcessor implements Processor<string, Metadata | null, never, never> {
  private store!: KeyValueStore<string, ChannelDocument>;
  private index!: KeyValueStore<string, string>;

  init(context: ProcessorContext<never, never>): void {
    this.store = context.getStateStore(AdminStores.channels);
    this.index = context.getStateStore(AdminStores.channelMetadataIndex);
  }

  process(record: StreamRecord<string, Metadata | null>): void {
    const recordId = record.key;
    if (!recordId) return;
    if (record.value === null) {
      const channelId = this.index.get(recordId);
      if (channelId === undefined) return;
      this.index.delete(recordId);
      save(this.store, channelId, withMetadata(this.store.get(channelId), recordId, null));
      return;
    }
    if (record.value.subject !== 'channel') return;
    const channelId = record.value.identifier;
    this.index.put(recordId, channelId);
    save(this.store, channelId, withMetadata(this.store.get(channelId), recordId, record.value));
  }
}

/** Latest value per key of a compacted entity topic (tags, templates); tombstones delete. */
class EntityProcessor<V> implements Processor<string, V | null, never, never> {
  private store!: KeyValueStore<string, V>;

  constructor(private readonly storeName: string) {}

  init(context: ProcessorContext<never, never>): void {
    this.store = context.getStateStore(this.storeName);
  }

  process(record: StreamRecord<string, V | null>): void {
    if (!record.key) return;
    if (record.value === null) this.store.delete(record.key);
    else this.store.put(record.key, record.value);
  }
}

function save(store: KeyValueStore<string, ChannelDocument>, id: string, document: ChannelDocument | undefined): void {
  if (document === undefined) store.delete(id);
  else store.put(id, document);
}
