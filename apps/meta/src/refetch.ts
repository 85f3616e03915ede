import { bodySchema, conversationId, maxIdLength, validateBody } from '@platform/chat-domain';
import type { GlobalTable } from '@platform/chat-streams';
import type { Channel } from '@platform/schemas';
import type { StreamsApplication } from '@platform/streams';
import { MetaConversationNotFoundError, MetaRequestError, MetaRetryLaterError } from './errors';
import { pageSources, type PageSource } from './meta-channels';
import type { ProfileFetcher } from './profile-fetcher';

/** `{conversation_id}` (Airy's `conversations.refetch`). */
export const refetchSchema = bodySchema({ conversation_id: { type: 'string', required: true, maxLength: maxIdLength } });

export interface MetaRefetchOptions {
  /** The Messenger/Instagram streams application and its store (the connector kit's `contact/<conversation id>` entries). */
  readonly app: Pick<StreamsApplication, 'queryRange'>;
  readonly storeName: string;
  readonly channels: Pick<GlobalTable<Channel>, 'entries'>;
  /** Undefined when `META_PROFILE_FETCH` is off. */
  readonly profiles: ProfileFetcher | undefined;
}

const isPageSource = (source: string): source is PageSource => (pageSources as readonly string[]).includes(source);

/**
 * `conversations.refetch` for Messenger and Instagram conversations: the contact's PSID is the kit's
 * `contact/<conversation id>` entry of the task that owns the conversation (run on the owner: the
 * controller routes the request there), its channel the Messenger/Instagram channel whose
 * UUIDv5(channel, PSID) is the conversation id. The fetch state is dropped and the profile fetched again.
 */
export class MetaRefetch {
  constructor(private readonly options: MetaRefetchOptions) {}

  /** The conversation id of a request body; MetaRequestError (400) otherwise. */
  conversationOf(body: unknown): string {
    const checked = validateBody(body, refetchSchema);
    if (!checked.ok) throw new MetaRequestError(checked.message);
    return checked.value.conversation_id;
  }

  /** On the owner of the conversation's partition: drops `contact.fetch_state` and starts the fetch. */
  async refetch(conversation: string): Promise<void> {
    const profiles = this.options.profiles;
    if (!profiles) throw new MetaRequestError('contact profiles are not fetched here (META_PROFILE_FETCH=false)');
    const key = `contact/${conversation}`;
    const found = this.options.app.queryRange<string, { kind?: unknown; address?: unknown }>(this.options.storeName, key, key, { limit: 1 });
    if (!found.ok) throw new MetaRetryLaterError('the conversation’s task is not running here now; retry later');
    const entry = found.entries.find((e) => e.key === key)?.value;
    if (entry?.kind !== 'contact' || typeof entry.address !== 'string') {
      if (found.restoring.length > 0) throw new MetaRetryLaterError('the conversation’s store is restoring; retry later');
      throw new MetaConversationNotFoundError(`conversation ${conversation} is not a Messenger or Instagram conversation with a contact message (only their profiles can be fetched again)`);
    }
    const contact = entry.address;
    for (const [id, channel] of this.options.channels.entries()) {
      if (isPageSource(channel.source) && conversationId(id, contact) === conversation) {
        await profiles.refetch(channel.source, contact, id, conversation);
        return;
      }
    }
    throw new MetaConversationNotFoundError(`conversation ${conversation} has no Messenger or Instagram channel`);
  }
}
