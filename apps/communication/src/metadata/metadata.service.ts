import {
  checkMetadataUpsert,
  flattenMetadata,
  metadataUpsert,
  type ChannelPayload,
  type ConversationPayload,
  type MessagePayload,
  type MetadataObject,
  type MetadataSubject,
} from '@platform/chat-domain';
import type { WritePosition } from '@platform/chat-streams';
import { NotAppliedError, NotFoundError } from '../errors';
import { Inject, Injectable } from '@nestjs/common';
import { MessagesService } from '../messages/messages.service';
import { ConversationsService } from '../conversations/conversations.service';
import { requireConversation, SERVICE_CONTEXT, type ServiceContext } from '../service-context';
import { CommunicationStores } from '../streams/stores';

export type UpsertSubject = 'conversation' | 'message' | 'channel';
export type SubjectPayload = ConversationPayload | MessagePayload | ChannelPayload;

/**
 * metadata.upsert: `data` flattened into `user_data.*` facts (flattenMetadata) about a conversation,
 * a message or a channel, written placed by the conversation (a message's conversation, or the
 * channel id for channels), answered with the subject as it is afterwards. An upsert that would grow
 * the subject's stored facts past its budget (chat-domain metadata-budget.ts) is refused with
 * SizeLimitError (413) before anything is written.
 */
@Injectable()
export class MetadataService {
  constructor(
    @Inject(SERVICE_CONTEXT) private readonly context: ServiceContext,
    @Inject(ConversationsService) private readonly conversations: ConversationsService,
    @Inject(MessagesService) private readonly messages: MessagesService,
  ) {}

  /** `conversationId`: for a message subject, the message's conversation (found by the caller). */
  async upsert(subject: UpsertSubject, id: string, data: MetadataObject, conversationId?: string): Promise<{ body: SubjectPayload; position?: WritePosition }> {
    const facts = flattenMetadata(data);
    const now = this.context.clock();
    const target: MetadataSubject = { kind: subject, id };
    const changes = facts.map((fact) => metadataUpsert(target, fact.key, fact.value, now));
    if (subject === 'conversation') {
      const { state } = await requireConversation(this.context, id);
      if (changes.length === 0) return { body: await this.conversations.info(id) };
      checkMetadataUpsert('conversation', id, state.metadata, changes);
      const position = await this.context.writer.writeMetadata(target, changes);
      return { body: await this.conversations.info(id, position), position };
    }
    if (subject === 'message') {
      const owner = conversationId ?? this.messages.locate(id);
      if (owner === undefined) throw new NotFoundError(`message ${id} not found`);
      const before = await this.messages.rendered(owner, id);
      if (changes.length === 0) return { body: before };
      checkMetadataUpsert('message', id, this.context.access.local.messageMetadata.get(id) ?? {}, changes);
      const position = await this.context.writer.writeMetadata(target, changes, owner);
      return { body: await this.messages.rendered(owner, id, position), position };
    }
    const { lookups } = this.context;
    if (!lookups.channel(id) && !((await lookups.catchUp('channels')) && lookups.channel(id))) throw new NotFoundError(`channel ${id} not found`);
    if (changes.length === 0) return { body: this.context.render.channel(id)! };
    checkMetadataUpsert('channel', id, this.context.access.local.channelMetadata.get(id) ?? this.context.lookups.channelMetadata(id) ?? {}, changes);
    const position = await this.context.writer.writeMetadata(target, changes);
    const applied = await this.context.access.get(CommunicationStores.channelMetadata, id, position);
    if (applied === undefined) throw new NotAppliedError(`metadata of channel ${id} is not visible yet; retry later`);
    return { body: this.context.render.channel(id)!, position };
  }
}
