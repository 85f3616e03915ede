import type { ChatWriter, WritePosition } from '@platform/chat-streams';
import type { QueryPosition } from '@platform/streams';
import type { ConversationState, ConversationView } from '@platform/chat-domain';
import { NotAppliedError, NotFoundError } from './errors';
import type { ConversationIndex } from './conversations/conversation-index';
import type { EntityLookups, Renderer } from './conversations/renderer';
import type { StateAccess } from './streams/state-access';
import { CommunicationStores } from './streams/stores';

/** Injection token of the ServiceContext the services share. */
export const SERVICE_CONTEXT = Symbol('service-context');

/** The writes the services make (ChatWriter in production). */
export type ChatWrites = Pick<ChatWriter, 'writeMessage' | 'writeMetadata' | 'writeReadReceipt'>;

/** What the services share: state on this instance, writes, global lookups, time and ids. */
export interface ServiceContext {
  readonly access: StateAccess;
  readonly writer: ChatWrites;
  readonly lookups: EntityLookups;
  readonly render: Renderer;
  readonly clock: () => number;
  readonly newId: () => string;
  /** In-memory views of the local conversations for lists; without it, lists scan the store. */
  readonly conversationIndex?: ConversationIndex;
}

/** A write's answer: the resulting entity and where the write landed (the `x-streams-position` header). */
export interface Written<T> {
  readonly body: T;
  readonly position: WritePosition;
  /** The answer's status when not 200 (202: a message accepted into a conversation it starts). */
  readonly status?: 202;
}

/** The conversation's view (after `position` when given), or NotFoundError while it is unknown or has no message. */
export async function requireConversation(context: ServiceContext, id: string, position?: QueryPosition): Promise<{ state: ConversationState; view: ConversationView }> {
  const state = await context.access.get<ConversationState>(CommunicationStores.conversations, id, position);
  const view = context.render.view(state);
  if (!state || !view) {
    if (position) throw new NotAppliedError(`conversation ${id} is not visible yet; retry later`);
    throw new NotFoundError(`conversation ${id} not found`);
  }
  return { state, view };
}
