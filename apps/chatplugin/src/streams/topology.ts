import { isSameOrNewerVersion } from '@platform/chat-domain';
import { byConversation, type ChatSerdes, type ChatTopics } from '@platform/chat-streams';
import type { Message } from '@platform/schemas';
import { Serdes, Stores, Topology, type KeyValueStore, type Processor, type ProcessorContext, type StreamRecord, type TopologySpec } from '@platform/streams';
import { HISTORY_STORE, historyKey } from './history-keys';
import { parseRawEvent } from './raw-event';
import { CHATPLUGIN_SOURCE, routeRawEvent } from './router';

/**
 * The chat plugin's streams program (application id `chatplugin`, exactly-once):
 *
 * 1. router: `source.chatplugin.events` (raw, untouched) → Message records on the messages topic,
 *    placed by conversation id (`byConversation`). A raw event that cannot be mapped throws, and the
 *    application's processing handler sends it to the dead-letter topic with the reason.
 * 2. history: the messages topic → `chatplugin-messages`, every chat plugin message (inbound and
 *    outbound, newest version per id) keyed `<conversation>/<sentAt>/<id>`. Messages are placed by
 *    conversation id, so the task of a conversation's partition holds its whole history and
 *    `metadataForKey(HISTORY_STORE, conversationId)` names the owner.
 */
export function buildChatpluginTopology(topics: Pick<ChatTopics, 'chatpluginEvents' | 'messages'>, serdes: Pick<ChatSerdes, 'message'>): TopologySpec {
  return new Topology()
    .addSource('raw-events', topics.chatpluginEvents, { keySerde: Serdes.string(), valueSerde: Serdes.buffer() })
    .addProcessor('route', routeProcessor, 'raw-events')
    .addSink('routed-messages', topics.messages, { keySerde: Serdes.string(), valueSerde: serdes.message, partitioner: byConversation }, 'route')
    .addSource('messages', topics.messages, { keySerde: Serdes.string(), valueSerde: serdes.message })
    .addProcessor('history', historyProcessor, 'messages')
    // Connected to both processors so router and history form ONE subtopology, co-partitioned by
    // conversation: task p reads raw events and messages of partition p (both placed by conversation
    // id), so each replica owns whole conversations end to end, the assignment spreads history
    // ownership over every replica, and exactly-once needs one transactional producer per partition.
    .addStateStore(Stores.keyValue(HISTORY_STORE, Serdes.string(), Serdes.json<Message>()), 'route', 'history')
    .build();
}

function routeProcessor(): Processor<string | null, Buffer | null, string, Message> {
  let context: ProcessorContext<string, Message>;
  return {
    init: (ctx) => {
      context = ctx;
    },
    process: (record) => {
      const message = routeRawEvent(parseRawEvent(record.value));
      context.forward({ key: message.id, value: message, timestamp: record.timestamp, headers: {} });
    },
  };
}

function historyProcessor(): Processor<string | null, Message | null, never, never> {
  let store: KeyValueStore<string, Message>;
  return {
    init: (ctx) => {
      store = ctx.getStateStore<string, Message>(HISTORY_STORE);
    },
    process: (record: StreamRecord<string | null, Message | null>) => {
      const message = record.value;
      // Tombstones carry no conversation; other sources are not the chat plugin's business.
      if (message === null || message.source !== CHATPLUGIN_SOURCE) return;
      const key = historyKey(message.conversationId, message.sentAt, message.id);
      const current = store.get(key);
      if (current === undefined || isSameOrNewerVersion(message, current)) store.put(key, message);
    },
  };
}
