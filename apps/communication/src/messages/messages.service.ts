import { compareMessagesNewestFirst, conversationId as deterministicConversationId, paginate, resendMessage, type ConversationState, type MessagePayload, type Page } from '@platform/chat-domain';
import type { Channel, Message } from '@platform/schemas';
import { CommunicationError, NotFoundError } from '../errors';
import { Inject, Injectable } from '@nestjs/common';
import { requireConversation, SERVICE_CONTEXT, type ServiceContext, type Written } from '../service-context';
import { conversationPrefix } from '../streams/message-key';
import { CommunicationStores } from '../streams/stores';
import { checkNewConversation } from './new-conversation';
import { Serdes, type QueryPosition } from '@platform/streams';

export interface SendRequest {
  readonly conversation_id?: string;
  readonly channel_id?: string;
  readonly source_recipient_id?: string;
  readonly message: unknown;
}

/** The conversation a send goes to: the given one, or the deterministic id of (channel, recipient). */
export function sendTarget(request: SendRequest): string {
  if (request.conversation_id !== undefined) return request.conversation_id;
  return deterministicConversationId(request.channel_id!, request.source_recipient_id!);
}

/** Messages of conversations: history, sending (PENDING for the source connector) and resending. */
@Injectable()
export class MessagesService {
  constructor(@Inject(SERVICE_CONTEXT) private readonly context: ServiceContext) {}

  /** One page of a conversation's messages, newest first (Airy's order). */
  async list(conversationId: string, cursor: string | undefined, pageSize: number | undefined, position?: QueryPosition): Promise<Page<MessagePayload>> {
    const { view } = await requireConversation(this.context, conversationId, position);
    const messages: Message[] = [];
    for (const { value } of this.context.access.local.messages.prefixScan(conversationPrefix(conversationId), keySerde)) {
      if (value.conversationId === conversationId) messages.push(value);
    }
    messages.sort(compareMessagesNewestFirst);
    const page = paginate(messages, (m) => [m.sentAt, m.id], { cursor: cursor ?? null, pageSize: pageSize ?? null });
    return { data: page.data.map((m) => this.context.render.message(m, view.metadata)), pagination_data: page.pagination_data };
  }

  /**
   * Writes a PENDING message from `senderId` into an existing conversation, or into the conversation
   * of (channel_id, source_recipient_id), which need not exist yet: the id the channel's router gives
   * the recipient's own messages (`conversationId(channel, address)`), so their answers land in it.
   * The channel must be known (404) and connected (403); a new conversation needs a source that can
   * start one (403) and a recipient in its address form (400), and is answered 202 (Airy).
   */
  async send(request: SendRequest, senderId: string): Promise<Written<MessagePayload>> {
    const conversationId = sendTarget(request);
    let channelId = request.channel_id;
    let started = false;
    if (request.conversation_id !== undefined) {
      const { view } = await requireConversation(this.context, conversationId);
      channelId = view.channelId;
    }
    const channel = await this.usableChannel(channelId!);
    if (request.conversation_id === undefined) {
      checkNewConversation(channel.id, channel.source, request.source_recipient_id!);
      started = !(await this.exists(conversationId));
    }
    const now = this.context.clock();
    const message: Message = {
      id: this.context.newId(),
      conversationId,
      channelId: channel.id,
      source: channel.source,
      senderId,
      isFromContact: false,
      deliveryState: 'PENDING',
      content: JSON.stringify(request.message),
      sentAt: now,
      updatedAt: null,
      sourceRecipientId: request.source_recipient_id ?? null,
      headers: {},
    };
    const position = await this.context.writer.writeMessage(message);
    const body = await this.rendered(conversationId, message.id, position);
    return started ? { body, position, status: 202 } : { body, position };
  }

  /** A FAILED message again as PENDING (a newer version); 409 for any other state. */
  async resend(conversationId: string, messageId: string): Promise<Written<MessagePayload>> {
    await requireConversation(this.context, conversationId);
    const current = this.localMessage(messageId);
    if (!current) throw new NotFoundError(`message ${messageId} not found`);
    const position = await this.context.writer.writeMessage(resendMessage(current, this.context.clock()));
    return { body: await this.rendered(conversationId, messageId, position), position };
  }

  /** The conversation of a message held by this instance; undefined when no local task has it. */
  locate(messageId: string): string | undefined {
    return this.localMessage(messageId)?.conversationId;
  }

  /** The payload of a message of a conversation owned here, once `position` is applied. */
  async rendered(conversationId: string, messageId: string, position?: QueryPosition): Promise<MessagePayload> {
    const { view } = await requireConversation(this.context, conversationId, position);
    const message = this.localMessage(messageId);
    if (!message) throw new NotFoundError(`message ${messageId} not found`);
    return this.context.render.message(message, view.metadata);
  }

  private localMessage(messageId: string): Message | undefined {
    const { messageIndex, messages } = this.context.access.local;
    const key = messageIndex.get(messageId);
    return key === undefined ? undefined : messages.get(key);
  }

  private async exists(conversationId: string): Promise<boolean> {
    const state = await this.context.access.get<ConversationState>(CommunicationStores.conversations, conversationId);
    return this.context.render.view(state) !== null;
  }

  private async usableChannel(channelId: string): Promise<Channel> {
    const { lookups } = this.context;
    const channel = lookups.channel(channelId) ?? ((await lookups.catchUp('channels')) ? lookups.channel(channelId) : undefined);
    if (!channel) throw new NotFoundError(`channel ${channelId} not found`);
    if (channel.connectionState !== 'CONNECTED') throw new CommunicationError(`channel_id: channel ${channelId} is disconnected`, 403);
    return channel;
  }
}

const keySerde = Serdes.string();
