import { isSameOrNewerVersion } from '@platform/chat-domain';
import { placementPartition, type ChatSerdes, type ChatTopics } from '@platform/chat-streams';
import { addConnectorRouter, CONNECTOR_ROUTER_NODES } from '@platform/connector-kit';
import type { Message } from '@platform/schemas';
import { Serdes, Stores, Topology, type KeyValueStore, type Processor, type StreamRecord, type TopologySpec } from '@platform/streams';
import { HISTORY_STORE, historyKey } from './history-keys';
import { CHATPLUGIN_SOURCE, routeChatpluginEvent } from './router';

/** The connector kit's router store: `seen/<message id>` of every routed visitor message (the dedup). */
export const CHATPLUGIN_STATE_STORE = 'chatplugin-state';

/**
 * The chat plugin's streams program (application id `chatplugin`, exactly-once):
 *
 * 1. router — the connector kit's (`addConnectorRouter`, router only: replies are pushed to visitor
 *    sockets, not sent by the kit's sender): `source.chatplugin.events` (raw, untouched) →
 *    `routeChatpluginEvent` → Message records on the messages topic, placed by conversation id. A
 *    message id already routed is dropped (`seen/<id>` in `chatplugin-state`); a raw event that cannot
 *    be mapped throws, and the application's processing handler dead-letters it with the reason.
 * 2. history: the messages topic → `chatplugin-messages`, every chat plugin message (inbound and
 *    outbound, newest version per id) keyed `<conversation>/<sentAt>/<id>`. Messages are placed by
 *    conversation id, so the task of a conversation's partition holds its whole history and
 *    `metadataForKey(HISTORY_STORE, conversationId)` names the owner.
 */
export function buildChatpluginTopology(topics: Pick<ChatTopics, 'chatpluginEvents' | 'messages' | 'metadata'>, serdes: Pick<ChatSerdes, 'message' | 'metadata'>): TopologySpec {
  const topology = addConnectorRouter(new Topology(), {
    topics: { raw: topics.chatpluginEvents, messages: topics.messages, metadata: topics.metadata },
    serdes,
    placement: placementPartition,
    connector: { route: routeChatpluginEvent },
    storeName: CHATPLUGIN_STATE_STORE,
  });
  return (
    topology
      .addSource('messages', topics.messages, { keySerde: Serdes.string(), valueSerde: serdes.message })
      .addProcessor('history', historyProcessor, 'messages')
      // Connected to the kit's router too, so router and history form ONE subtopology, co-partitioned by
      // conversation: task p reads raw events and messages of partition p (both placed by conversation
      // id), so each replica owns whole conversations end to end, the assignment spreads history
      // ownership over every replica, and exactly-once needs one transactional producer per partition.
      .addStateStore(Stores.keyValue(HISTORY_STORE, Serdes.string(), Serdes.json<Message>()), CONNECTOR_ROUTER_NODES.processor, 'history')
      .build()
  );
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
