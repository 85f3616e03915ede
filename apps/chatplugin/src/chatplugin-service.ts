import { randomUUID } from 'node:crypto';
import { channelPayload, MetadataKeys, messagePayload, metadataUpsert, type ChannelPayload, type MessagePayload, type MetadataObject } from '@platform/chat-domain';
import { placementPartition, type ChatTopics, type ChatWriter, type WritePosition } from '@platform/chat-streams';
import { InvalidRawEventError, RawIngress, type WebhookRequest } from '@platform/connector-kit';
import type { Channel } from '@platform/schemas';
import type { ChannelDirectory } from './channels';
import type { HistoryReader } from './delivery/history-reader';
import { ChannelNotFoundError, ChatpluginError, ForeignConversationError, VisitorAuthError } from './errors';
import { CHATPLUGIN_SOURCE, routeChatpluginEvent } from './streams/router';
import type { VisitorIdentity, VisitorTokens } from './visitor/visitor-tokens';
import { VisitorVerifier } from './visitor/visitor-verifier';

export interface ChatpluginServiceOptions {
  readonly topics: Pick<ChatTopics, 'chatpluginEvents' | 'channels' | 'partitions'>;
  readonly writer: Pick<ChatWriter, 'writeChannel' | 'writeMetadata' | 'writeRaw'>;
  readonly channels: ChannelDirectory;
  readonly tokens: VisitorTokens;
  readonly history: Pick<HistoryReader, 'read'>;
  /** Longest wait for this instance's channel table to apply a channel write (default 5000 ms). */
  readonly channelWaitMs?: number;
  readonly now?: () => number;
  /** Random id of each visitor event (default `randomUUID`); injectable for tests. */
  readonly eventId?: () => string;
}

export interface Written<T> {
  readonly value: T;
  readonly position: WritePosition;
}

/** Where a client's channel write landed (`x-streams-position` of connect/disconnect), already checked to name the channels topic. */
export interface ChannelWrite {
  readonly partition: number;
  readonly offset: string | number | bigint;
}

export interface AuthenticateAnswer {
  readonly token: string;
  readonly resume_token: string;
  readonly channel_id: string;
  readonly conversation_id: string;
  /** The conversation's messages so far, oldest first (pending replies included). */
  readonly messages: MessagePayload[];
}

/** The chat plugin's use cases, framework-free: channel connect/disconnect and the visitor API. */
export class ChatpluginService {
  private readonly now: () => number;
  /** `chatplugin.send`'s way in: the connector kit's raw ingress, the visitor token as its signature. */
  private readonly ingress: RawIngress;

  constructor(private readonly options: ChatpluginServiceOptions) {
    this.now = options.now ?? Date.now;
    this.ingress = new RawIngress({
      topic: options.topics.chatpluginEvents,
      sink: options.writer,
      // The visitor token signs no URL.
      signedUrl: false,
      verifier: new VisitorVerifier({ visitor: (token) => this.visitor(token), now: this.now, ...(options.eventId ? { eventId: options.eventId } : {}) }),
    });
  }

  /** A new chat plugin channel (random id, as Airy), CONNECTED, with its name and image as channel metadata. */
  async connect(name: string, imageUrl: string | undefined): Promise<Written<ChannelPayload>> {
    const now = this.now();
    const channel: Channel = { id: randomUUID(), source: CHATPLUGIN_SOURCE, sourceChannelId: name, connectionState: 'CONNECTED', token: null, createdAt: now };
    const subject = { kind: 'channel' as const, id: channel.id };
    const metadata: MetadataObject = { [MetadataKeys.name]: name };
    const changes = [metadataUpsert(subject, MetadataKeys.name, name, now)];
    if (imageUrl !== undefined) {
      metadata[MetadataKeys.imageUrl] = imageUrl;
      changes.push(metadataUpsert(subject, MetadataKeys.imageUrl, imageUrl, now));
    }
    await this.options.writer.writeMetadata(subject, changes);
    const position = await this.writeChannel(channel);
    return { value: channelPayload(channel, metadata), position };
  }

  /** Marks a chat plugin channel DISCONNECTED (idempotent); unknown → ChannelNotFoundError. */
  async disconnect(channelId: string): Promise<Written<ChannelPayload>> {
    const channel = this.options.channels.chatpluginChannel(channelId);
    if (!channel) throw new ChannelNotFoundError(`chat plugin channel ${channelId} not found`);
    const disconnected: Channel = { ...channel, connectionState: 'DISCONNECTED', token: null };
    const position = await this.writeChannel(disconnected);
    return { value: channelPayload(disconnected), position };
  }

  /** The topic and partition count a client's channel-write position may name. */
  channelTopic(): { readonly topic: string; readonly partitions: number } {
    const { channels, partitions } = this.options.topics;
    return { topic: channels, partitions: partitions.get(channels) ?? 1 };
  }

  /**
   * A new conversation on an open channel: its visitor token, no messages yet (nothing is written
   * until the visitor sends). After `channelWrite` (a connect/disconnect of this channel) when given.
   */
  async authenticateNew(channelId: string, channelWrite?: ChannelWrite): Promise<AuthenticateAnswer> {
    await this.awaitChannelWrite(channelId, channelWrite);
    this.requireOpenChannel(channelId, ChannelNotFoundError);
    return this.answer({ channelId, conversationId: randomUUID() }, []);
  }

  /**
   * The conversation of a resume token: a fresh visitor token and the messages so far. The token is
   * verified before anything waits on `channelWrite`. HistoryUnavailableError (503) when the history
   * cannot be read completely now (restoring, rebalancing, task not running, owner unreachable).
   */
  async authenticateResume(resumeToken: string, channelWrite?: ChannelWrite): Promise<AuthenticateAnswer> {
    const identity = await this.options.tokens.verifyResumeToken(resumeToken);
    await this.awaitChannelWrite(identity.channelId, channelWrite);
    this.requireOpenChannel(identity.channelId, ChannelNotFoundError);
    const history = await this.options.history.read(identity.conversationId);
    return this.answer(identity, history.map((m) => messagePayload(m)));
  }

  /** The visitor behind a visitor token, on an open channel; VisitorAuthError (401) otherwise. */
  async visitor(token: string | undefined): Promise<VisitorIdentity> {
    if (token === undefined) throw new VisitorAuthError('missing visitor token (Authorization: Bearer <token>)');
    const identity = await this.options.tokens.verifyVisitorToken(token);
    this.requireOpenChannel(identity.channelId, VisitorAuthError);
    return identity;
  }

  async resumeToken(identity: VisitorIdentity): Promise<{ resume_token: string }> {
    return { resume_token: await this.options.tokens.issueResumeToken(identity) };
  }

  /**
   * A resume token minted on a visitor's behalf (system token or user JWT, checked by the caller):
   * only for a conversation of that channel. ForeignConversationError (403) when the channel is not
   * an open chat plugin channel, or the conversation has no chat plugin message on it (unknown, or
   * of another channel); HistoryUnavailableError (503) when its history cannot be read now.
   */
  async resumeTokenOnBehalf(identity: VisitorIdentity): Promise<{ resume_token: string }> {
    const { channelId, conversationId } = identity;
    this.requireOpenChannel(channelId, ForeignConversationError);
    const history = await this.options.history.read(conversationId);
    if (history.length === 0 || history.some((m) => m.channelId !== channelId)) {
      throw new ForeignConversationError(`conversation ${conversationId} is not a conversation of chat plugin channel ${channelId}`);
    }
    return this.resumeToken(identity);
  }

  /**
   * `chatplugin.send` (the request as posted, with its `Authorization` header) through the connector
   * kit's ingress: the visitor token is verified (WebhookRejectedError 401 otherwise), the visitor's
   * message is written untouched (with who and when) to `source.chatplugin.events`, placed by
   * conversation id, and the answer is the message the kit's router makes of that very record (same
   * route, same deterministic id).
   */
  async send(request: WebhookRequest): Promise<MessagePayload> {
    const { key, record } = await this.ingress.accept(request);
    const [message] = routeChatpluginEvent({ key, value: record, timestamp: this.now(), headers: {} }, noLookup).messages;
    if (message === undefined) throw new InvalidRawEventError('the chat plugin router made no message of a visitor event');
    return messagePayload(message);
  }

  private async answer(identity: VisitorIdentity, messages: MessagePayload[]): Promise<AuthenticateAnswer> {
    return {
      token: await this.options.tokens.issueVisitorToken(identity),
      resume_token: await this.options.tokens.issueResumeToken(identity),
      channel_id: identity.channelId,
      conversation_id: identity.conversationId,
      messages,
    };
  }

  /** Waits (bounded) for a write of this channel; a position on another partition cannot concern it and is not waited for. */
  private async awaitChannelWrite(channelId: string, write: ChannelWrite | undefined): Promise<void> {
    if (write === undefined || write.partition !== placementPartition(channelId, this.channelTopic().partitions)) return;
    await this.options.channels.waitFor(write.partition, String(write.offset), this.options.channelWaitMs ?? 5000);
  }

  private requireOpenChannel(channelId: string, error: new (message: string) => ChatpluginError): void {
    if (!this.options.channels.isOpen(channelId)) throw new error(`chat plugin channel ${channelId} not found or disconnected`);
  }

  private async writeChannel(channel: Channel): Promise<WritePosition> {
    const position = await this.options.writer.writeChannel(channel);
    // Read-your-writes on this instance: visitors may authenticate right after connect.
    await this.options.channels.waitFor(position.partition, position.offset, this.options.channelWaitMs ?? 5000);
    return position;
  }
}

/** The chat plugin's route looks nothing up (no provider message ids). */
const noLookup = { messageOfProviderId: () => undefined };
