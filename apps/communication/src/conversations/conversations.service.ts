import {
  conversationSortKey,
  matchConversationsCooperatively,
  metadataRemoval,
  partialResult,
  metadataUpsert,
  MetadataKeys,
  tagKey,
  type ConversationPayload,
  type ConversationView,
  type FilterNode,
  type MetadataChange,
  type PageWindow,
  type PartialResult,
  type SortKey,
} from '@platform/chat-domain';
import { randomUUID } from 'node:crypto';
import { NotFoundError, UnavailableError } from '../errors';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { StampFeed } from '@platform/nest-streams';
import { requireConversation, SERVICE_CONTEXT, type ServiceContext, type Written } from '../service-context';

/** One conversation of a local list: the sort key next to the payload, so owners' parts can be merged. */
export interface ListedConversation {
  readonly id: string;
  readonly last_message_at: number;
  readonly payload: ConversationPayload;
}

/** One replica's part of a gathered list, with the partitions it answered for (a list is complete only when every partition answered). */
export interface LocalListPart extends PartialResult<ListedConversation> {
  readonly partitions: readonly number[];
  /** What the part was built from (`partStamp`), when it may be reused. */
  readonly stamp?: string;
}

/** A listed conversation's position in list order (chat-domain's conversation sort key). */
export function listedKey(item: ListedConversation): SortKey {
  return [item.last_message_at, item.id];
}

/** Ordering of listed conversations: last message time descending, then id (chat-domain's order). */
export function compareListed(a: ListedConversation, b: ListedConversation): number {
  return b.last_message_at - a.last_message_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * Conversations: reads and the metadata writes of conversations.*, and mark-read (unread counts live
 * here because `unread_count` is derived in the same conversation store the read receipts fold into).
 * Every method runs on the owner of the conversation (the controllers route there first).
 */
@Injectable()
export class ConversationsService implements OnModuleDestroy {
  /** Names this process in part stamps: counters restart with the process, this does not repeat. */
  private readonly instance = randomUUID();
  /** `partStamp` for the other replicas' stamp watches, told of every change of the index. */
  readonly partStamps = new StampFeed(() => this.partStamp());

  constructor(@Inject(SERVICE_CONTEXT) private readonly context: ServiceContext) {
    context.conversationIndex?.onChange(() => this.partStamps.changed());
  }

  onModuleDestroy(): void {
    this.partStamps.close();
  }

  /**
   * What this replica's part of every conversation list is built from: this process, the index's stamp
   * and the partitions it holds. Changes whenever a part could; undefined while nothing may be reused
   * (not running, rebalancing, index invalid).
   */
  partStamp(): string | undefined {
    const { access, conversationIndex } = this.context;
    const stamp = conversationIndex && access.ready() ? conversationIndex.stamp() : undefined;
    return stamp === undefined ? undefined : `${this.instance}/${stamp}/${access.localPartitions().join(',')}`;
  }

  async info(conversationId: string, position?: Parameters<typeof requireConversation>[2]): Promise<ConversationPayload> {
    const { view } = await requireConversation(this.context, conversationId, position);
    return this.context.render.conversation(view);
  }

  /**
   * What this replica's conversation lists show, as a stamp that changes whenever a list could: set
   * only while the application runs, this replica's tasks hold all `partitions` (a list needs nobody
   * else) and the in-memory index is valid. Undefined otherwise: nothing rendered may be reused.
   */
  listStamp(partitions: number): string | undefined {
    const { access, conversationIndex } = this.context;
    if (!conversationIndex || !access.ready() || access.localPartitions().length !== partitions) return undefined;
    return conversationIndex.stamp();
  }

  /** This instance's part of a list: its matches around the window's start (chat-domain's partialResult), and how many match here. */
  async listLocal(filters: string | FilterNode | undefined, window: PageWindow): Promise<LocalListPart> {
    const { access, render, conversationIndex } = this.context;
    if (!access.ready()) throw new UnavailableError('the streams application is not running or rebalancing; retry later');
    const sorted =
      conversationIndex && typeof filters !== 'object'
        ? await conversationIndex.matching(filters ?? '', () => access.allConversations())
        : await matchConversationsCooperatively(conversationIndex ? [...conversationIndex.all(() => access.allConversations())] : this.scan(), filters);
    const part = partialResult(sorted, conversationSortKey, window);
    const payloadOf = (view: ConversationView) => (conversationIndex ? conversationIndex.payload(view, (v) => render.conversation(v)) : render.conversation(view));
    return {
      ...part,
      items: part.items.map((view) => ({ id: view.id, last_message_at: view.lastMessageAt, payload: payloadOf(view) })),
      partitions: access.localPartitions(),
    };
  }

  private scan(): ConversationView[] {
    const views: ConversationView[] = [];
    for (const state of this.context.access.allConversations()) {
      const view = this.context.render.view(state);
      if (view) views.push(view);
    }
    return views;
  }

  async tag(conversationId: string, tagId: string): Promise<Written<ConversationPayload>> {
    await requireConversation(this.context, conversationId);
    const { lookups } = this.context;
    if (!lookups.tagExists(tagId) && !((await lookups.catchUp('tags')) && lookups.tagExists(tagId))) throw new NotFoundError(`tag ${tagId} not found`);
    return this.writeFacts(conversationId, [metadataUpsert(this.subject(conversationId), tagKey(tagId), '', this.context.clock())]);
  }

  async untag(conversationId: string, tagId: string): Promise<Written<ConversationPayload>> {
    await requireConversation(this.context, conversationId);
    return this.writeFacts(conversationId, [metadataRemoval(this.subject(conversationId), tagKey(tagId))]);
  }

  async setState(conversationId: string, state: string): Promise<Written<ConversationPayload>> {
    await requireConversation(this.context, conversationId);
    return this.writeFacts(conversationId, [metadataUpsert(this.subject(conversationId), MetadataKeys.state, state, this.context.clock())]);
  }

  async removeState(conversationId: string): Promise<Written<ConversationPayload>> {
    await requireConversation(this.context, conversationId);
    return this.writeFacts(conversationId, [metadataRemoval(this.subject(conversationId), MetadataKeys.state)]);
  }

  async updateContact(conversationId: string, displayName: string): Promise<Written<ConversationPayload>> {
    await requireConversation(this.context, conversationId);
    return this.writeFacts(conversationId, [metadataUpsert(this.subject(conversationId), MetadataKeys.contactDisplayName, displayName, this.context.clock())]);
  }

  /**
   * Writes a read receipt up to now — or up to the newest unread message when the contact's clock
   * is ahead of ours, so marking read always zeroes the count.
   */
  async markRead(conversationId: string, userId?: string): Promise<Written<ConversationPayload>> {
    const { state } = await requireConversation(this.context, conversationId);
    const newestUnread = state.newestUnreadAt ?? 0;
    const readDate = Math.max(this.context.clock(), newestUnread);
    const position = await this.context.writer.writeReadReceipt({ conversationId, readDate, userId: userId ?? null });
    return { body: await this.info(conversationId, position), position };
  }

  private subject(conversationId: string) {
    return { kind: 'conversation' as const, id: conversationId };
  }

  private async writeFacts(conversationId: string, changes: MetadataChange[]): Promise<Written<ConversationPayload>> {
    const position = await this.context.writer.writeMetadata(this.subject(conversationId), changes);
    return { body: await this.info(conversationId, position), position };
  }
}
