import { recordSerde, type Channel, type Message, type Metadata, type ReadReceipt, type SchemaRegistryClient, type Serde, type Tag, type Template } from '@platform/schemas';

/** Avro serdes (Confluent framing, registry-backed) of every chat entity; keys are plain strings. */
export interface ChatSerdes {
  readonly message: Serde<Message>;
  readonly metadata: Serde<Metadata>;
  readonly readReceipt: Serde<ReadReceipt>;
  readonly channel: Serde<Channel>;
  readonly tag: Serde<Tag>;
  readonly template: Serde<Template>;
}

/** One set per process: each serde caches its schema ids. */
export function chatSerdes(registry: SchemaRegistryClient): ChatSerdes {
  return {
    message: recordSerde(registry, 'Message'),
    metadata: recordSerde(registry, 'Metadata'),
    readReceipt: recordSerde(registry, 'ReadReceipt'),
    channel: recordSerde(registry, 'Channel'),
    tag: recordSerde(registry, 'Tag'),
    template: recordSerde(registry, 'Template'),
  };
}
