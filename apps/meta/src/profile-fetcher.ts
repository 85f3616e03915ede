import { conversationId, MetadataKeys, metadataRemoval, metadataUpsert, type MetadataChange } from '@platform/chat-domain';
import type { ChatWriter } from '@platform/chat-streams';
import { errorMessage, type Logger } from '@platform/common';
import type { ChannelLookup, SecretBox } from '@platform/connector-kit';
import { describeGraphError, type GraphClient } from './graph-client';
import { credentialsOf, FACEBOOK, metaChannelId, type MetaSource } from './meta-channels';
import { pageEvents, parseWebhookBody, textOf, type PageEvent } from './webhook-body';

export const FETCH_STATE = 'contact.fetch_state';
export const FETCH_ERROR = 'contact.fetch_error';

export interface ProfileFetcherOptions {
  readonly graph: GraphClient;
  readonly box: SecretBox | undefined;
  readonly channels: ChannelLookup;
  readonly writer: Pick<ChatWriter, 'writeMetadata'>;
  readonly logger: Logger;
  /** Conversations remembered as fetched (most recent first out), default 10 000. */
  readonly remember?: number;
}

/**
 * Contact profiles of Messenger and Instagram conversations: on a contact's message in a conversation
 * this process has not fetched yet, `GET /{PSID}?fields=first_name,last_name,profile_pic` (Instagram:
 * `name,profile_pic`) with the page token, written as conversation metadata `contact.display_name`,
 * `contact.avatar_url` and `contact.fetch_state` = ok, or `contact.fetch_state` = failed with
 * `contact.fetch_error` (Graph's message). Runs beside ingestion (the webhook answer does not wait).
 */
export class ProfileFetcher {
  private readonly fetched = new Set<string>();
  private readonly running = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly options: ProfileFetcherOptions) {}

  /** Starts fetches for the contacts of an accepted `page`/`instagram` webhook body. */
  notice(body: Buffer): void {
    if (this.closed) return;
    let events: PageEvent[];
    try {
      events = pageEvents(parseWebhookBody(body));
    } catch {
      return;
    }
    for (const event of events) {
      const message = event.event.message as { is_echo?: unknown } | undefined;
      if (message === undefined || message.is_echo === true) continue;
      const channel = metaChannelId(event.source, event.accountId);
      const conversation = conversationId(channel, event.contact);
      if (this.fetched.has(conversation)) continue;
      this.remember(conversation);
      this.start(event.source, event.contact, channel, conversation);
    }
  }

  /**
   * `conversations.refetch` (Airy's): drops the conversation's `contact.fetch_state` (written before this
   * returns: a broker failure throws) and fetches the contact's profile again beside the answer.
   */
  async refetch(source: MetaSource, contact: string, channelId: string, conversation: string): Promise<void> {
    if (this.closed) throw new Error('profile fetches are closing');
    const subject = { kind: 'conversation' as const, id: conversation };
    await this.options.writer.writeMetadata(subject, [metadataRemoval(subject, FETCH_STATE)]);
    this.remember(conversation);
    this.start(source, contact, channelId, conversation);
  }

  private start(source: MetaSource, contact: string, channelId: string, conversation: string): void {
    const run = this.fetch(source, contact, channelId, conversation).finally(() => this.running.delete(run));
    this.running.add(run);
  }

  /** Waits for the fetches under way; starts no more. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.running]);
  }

  private remember(conversation: string): void {
    this.fetched.delete(conversation);
    if (this.fetched.size >= (this.options.remember ?? 10_000)) this.fetched.delete(this.fetched.values().next().value!);
    this.fetched.add(conversation);
  }

  private async fetch(source: MetaSource, contact: string, channelId: string, conversation: string): Promise<void> {
    const channel = this.options.channels.get(channelId);
    const credentials = channel?.connectionState === 'CONNECTED' ? credentialsOf(channel, this.options.box) : undefined;
    const now = Date.now();
    const subject = { kind: 'conversation' as const, id: conversation };
    let changes: MetadataChange[];
    if (!credentials) {
      changes = [metadataUpsert(subject, FETCH_STATE, 'failed', now), metadataUpsert(subject, FETCH_ERROR, 'the channel has no usable page token', now)];
    } else {
      try {
        const fields = source === FACEBOOK ? 'first_name,last_name,profile_pic' : 'name,profile_pic';
        const answer = await this.options.graph.get(encodeURIComponent(contact), credentials.token, { fields });
        if (answer.ok) {
          const name = source === FACEBOOK ? [textOf(answer.body.first_name, 100), textOf(answer.body.last_name, 100)].filter((part) => part !== undefined && part !== '').join(' ') : (textOf(answer.body.name, 200) ?? '');
          const picture = textOf(answer.body.profile_pic, 2000);
          changes = [metadataUpsert(subject, FETCH_STATE, 'ok', now)];
          if (name !== '') changes.push(metadataUpsert(subject, MetadataKeys.contactDisplayName, name, now));
          if (picture !== undefined && /^https?:\/\//.test(picture)) changes.push(metadataUpsert(subject, MetadataKeys.contactAvatarUrl, picture, now));
        } else {
          changes = [metadataUpsert(subject, FETCH_STATE, 'failed', now), metadataUpsert(subject, FETCH_ERROR, describeGraphError('the profile', answer.status, answer.error), now)];
        }
      } catch (error) {
        changes = [metadataUpsert(subject, FETCH_STATE, 'failed', now), metadataUpsert(subject, FETCH_ERROR, `Graph API not reachable: ${errorMessage(error)}`.slice(0, 2000), now)];
      }
    }
    try {
      await this.options.writer.writeMetadata(subject, changes);
    } catch (error) {
      this.fetched.delete(conversation);
      this.options.logger.warn('contact profile not written', { conversationId: conversation, error: errorMessage(error) });
    }
  }
}
