import type { MetadataChange, MetadataEntries, MetadataSubject } from '@platform/chat-domain';
import type { ChatTopics, WritePosition } from '@platform/chat-streams';
import { jsonSerde, type Channel, type Message, type Metadata, type ReadReceipt } from '@platform/schemas';
import { Serdes, type QueryPosition, type ReadOnlyKeyValueStore } from '@platform/streams';
import { TopologyTestDriver, type TestInputTopic } from '@platform/streams/testing';
import { ConversationIndex } from '../conversations/conversation-index';
import { Renderer, type EntityLookups } from '../conversations/renderer';
import type { ChatWrites, ServiceContext } from '../service-context';
import { communicationTopology } from '../streams/communication-topology';
import type { LocalStores, StateAccess } from '../streams/state-access';
import { CommunicationStores } from '../streams/stores';

export const testTopics: Pick<ChatTopics, 'messages' | 'metadata' | 'readReceipts'> = {
  messages: 'messages',
  metadata: 'metadata',
  readReceipts: 'read-receipt',
};

/** Writes piped into the driver's input topics; positions count records per topic. */
class DriverWriter implements ChatWrites {
  readonly offsets = new Map<string, number>();

  constructor(
    private readonly messages: TestInputTopic<string, Message>,
    private readonly metadata: TestInputTopic<string, Metadata>,
    private readonly receipts: TestInputTopic<string, ReadReceipt>,
  ) {}

  async writeMessage(message: Message): Promise<WritePosition> {
    await this.messages.pipeInput(message.id, message);
    return this.next(testTopics.messages);
  }

  async writeMetadata(_subject: MetadataSubject, changes: readonly MetadataChange[]): Promise<WritePosition> {
    for (const change of changes) await this.metadata.pipeInput(change.id, change.record);
    return this.next(testTopics.metadata, changes.length);
  }

  async writeReadReceipt(receipt: ReadReceipt): Promise<WritePosition> {
    await this.receipts.pipeInput(receipt.conversationId, receipt);
    return this.next(testTopics.readReceipts);
  }

  private next(topic: string, count = 1): WritePosition {
    const offset = (this.offsets.get(topic) ?? -1) + count;
    this.offsets.set(topic, offset);
    return { topic, partition: 0, offset: String(offset) };
  }
}

/** StateAccess over the driver: it processes synchronously, so every position is applied. */
class DriverAccess implements StateAccess {
  readonly local: LocalStores;
  readonly positions: (QueryPosition | undefined)[] = [];

  constructor(private readonly driver: TopologyTestDriver) {
    const s = CommunicationStores;
    this.local = {
      conversations: this.store(s.conversations),
      messages: this.store(s.messages),
      messageIndex: this.store(s.messageIndex),
      messageMetadata: this.store(s.messageMetadata),
      channelMetadata: this.store(s.channelMetadata),
    };
  }

  ready(): boolean {
    return true;
  }

  /** The driver runs every task here; its topics have one partition. */
  localPartitions(): number[] {
    return [0];
  }

  allConversations() {
    return [...this.local.conversations.all()].map((entry) => entry.value);
  }

  async get<V>(store: string, key: string, position?: QueryPosition): Promise<V | undefined> {
    this.positions.push(position);
    return this.store<V>(store).get(key);
  }

  private store<V>(name: string): ReadOnlyKeyValueStore<string, V> {
    const store = this.driver.getKeyValueStore<string, V>(name);
    if (!store) throw new Error(`no store ${name}`);
    return store;
  }
}

/** In-memory global tables. */
export class MapLookups implements EntityLookups {
  readonly channels = new Map<string, Channel>();
  readonly channelFacts = new Map<string, MetadataEntries>();
  readonly tags = new Set<string>();

  channel(id: string): Channel | undefined {
    return this.channels.get(id);
  }

  channelMetadata(id: string): MetadataEntries | undefined {
    return this.channelFacts.get(id);
  }

  tagExists(id: string): boolean {
    return this.tags.has(id);
  }

  /** The maps are always current. */
  catchUp(): Promise<boolean> {
    return Promise.resolve(true);
  }
}

export interface DriverContext {
  readonly driver: TopologyTestDriver;
  readonly context: ServiceContext;
  readonly writer: DriverWriter;
  readonly access: DriverAccess;
  readonly lookups: MapLookups;
  readonly messages: TestInputTopic<string, Message>;
  readonly metadata: TestInputTopic<string, Metadata>;
  readonly receipts: TestInputTopic<string, ReadReceipt>;
  /** Moves the service clock. */
  setNow(ms: number): void;
}

/**
 * The production topology in the test driver with one partition per topic (the driver places
 * records by their Kafka key, production by conversation id — one partition makes both agree),
 * and a ServiceContext over it.
 */
export function driverContext(options: { withIndex?: boolean } = {}): DriverContext {
  let index: ConversationIndex | undefined;
  const serdes = { message: jsonSerde<Message>(), metadata: jsonSerde<Metadata>(), readReceipt: jsonSerde<ReadReceipt>() };
  const driver = new TopologyTestDriver(communicationTopology(testTopics, serdes, { conversationStored: (state) => index?.update(state), metadataStored: () => index?.renderedInputsChanged() }), {
    app: { id: 'communication', version: 1 },
    defaultPartitions: 1,
  });
  const key = Serdes.string();
  const messages = driver.createInputTopic(testTopics.messages, key, jsonSerde<Message>());
  const metadata = driver.createInputTopic(testTopics.metadata, key, jsonSerde<Metadata>());
  const receipts = driver.createInputTopic(testTopics.readReceipts, key, jsonSerde<ReadReceipt>());
  const writer = new DriverWriter(messages, metadata, receipts);
  const access = new DriverAccess(driver);
  const lookups = new MapLookups();
  let now = 1_700_000_000_000;
  let ids = 0;
  const render = new Renderer(lookups, access.local);
  if (options.withIndex) index = new ConversationIndex((state) => render.view(state));
  const context: ServiceContext = {
    access,
    writer,
    lookups,
    render,
    clock: () => now,
    newId: () => `generated-${++ids}`,
    ...(index ? { conversationIndex: index } : {}),
  };
  return { driver, context, writer, access, lookups, messages, metadata, receipts, setNow: (ms) => (now = ms) };
}

export function channel(id: string, connectionState: Channel['connectionState'] = 'CONNECTED'): Channel {
  return { id, source: 'chatplugin', sourceChannelId: `${id}-name`, connectionState, token: null, createdAt: 1 };
}

export function contactMessage(id: string, conversationId: string, sentAt: number, channelId = 'channel-1'): Message {
  return {
    id,
    conversationId,
    channelId,
    source: 'chatplugin',
    senderId: 'visitor',
    isFromContact: true,
    deliveryState: 'DELIVERED',
    content: JSON.stringify({ text: id }),
    sentAt,
    updatedAt: null,
    sourceRecipientId: null,
    headers: {},
  };
}
