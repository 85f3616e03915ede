import { upgradeConversationState, type ConversationState } from '@platform/chat-domain';
import { Serdes, type SyncSerde } from '@platform/streams';

/**
 * JSON serde of the conversation state stores (communication's `conversations`, webhooks' event
 * derivation): states written by an earlier version are upgraded as they are read
 * (`upgradeConversationState`), so local state and changelogs of that version stay usable.
 */
export function conversationStateSerde(): SyncSerde<ConversationState> {
  const json = Serdes.json<ConversationState>();
  return {
    serialize: (topic, value) => json.serialize(topic, value),
    deserialize: (topic, data) => upgradeConversationState(json.deserialize(topic, data)),
  };
}
