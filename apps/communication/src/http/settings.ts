import type { ChatTopics } from '@platform/chat-streams';
import type { ConversationsService } from '../conversations/conversations.service';
import type { MessagesService } from '../messages/messages.service';
import type { MetadataService } from '../metadata/metadata.service';
import type { StateAccess } from '../streams/state-access';

/** Injection token of the services and settings the controllers share. */
export const COMMUNICATION = Symbol('communication');

export interface CommunicationHandles {
  readonly conversations: ConversationsService;
  readonly messages: MessagesService;
  readonly metadata: MetadataService;
  readonly access: StateAccess;
  readonly topics: ChatTopics;
  readonly retryAfterSeconds: number;
  /** Timeout of one call to another replica (gathering a list, locating a message). */
  readonly peerTimeoutMs: number;
}
