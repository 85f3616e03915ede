import { Inject, Injectable } from '@nestjs/common';
import { compileFilter, mergePartialResults, resolvePageRequest, type RequestBody } from '@platform/chat-domain';
import { QueryRouter, type HttpRequest } from '@platform/nest-streams';
import { UnavailableError } from '../errors';
import { RenderedPages } from './rendered-pages';
import { COMMUNICATION_SETTINGS, type CommunicationSettings } from '../http/settings';
import { compareListed, ConversationsService, listedKey, type LocalListPart } from './conversations.service';

/** Internal route answering one replica's part of conversations.list (protected like the public API). */
export const CONVERSATIONS_LIST_LOCAL_PATH = '/internal/conversations.list-local';
/** Internal route answering another replica's watch of this replica's part stamp (`StampFeed`). */
export const CONVERSATIONS_LIST_STAMP_PATH = '/internal/conversations.list-stamp';

/**
 * conversations.list over every replica: each owner's first `offset + page_size` matches, gathered by
 * the owner-routing layer (every partition answered exactly once), merged into one page; no result cap.
 */
@Injectable()
export class ConversationLister {
  private readonly pages = new RenderedPages();

  constructor(
    @Inject(QueryRouter) private readonly router: QueryRouter,
    @Inject(COMMUNICATION_SETTINGS) private readonly settings: CommunicationSettings,
    @Inject(ConversationsService) private readonly conversations: ConversationsService,
  ) {}

  /**
   * The page's body. Throws the domain's errors for a bad cursor, page size or filter (400) before
   * asking anyone, and UnavailableError (503) unless every partition answered. A replica holding every
   * partition answers a page it rendered before, unchanged, as `JsonText` (RenderedPages).
   */
  async list(req: HttpRequest, body: RequestBody<'conversations.list'>): Promise<unknown> {
    const window = resolvePageRequest({ cursor: body.cursor, pageSize: body.page_size });
    const filters = body.filters ?? '';
    const partitions = this.settings.topics.partitions.get(this.settings.topics.messages) ?? 0;
    // Everything here and unchanged since a page was rendered: that page, serialized already.
    const stamp = this.conversations.listStamp(partitions);
    const key = RenderedPages.key(filters, body.cursor, window.pageSize);
    const cached = key === undefined || stamp === undefined ? undefined : this.pages.get(key, stamp);
    if (cached !== undefined) return cached;
    compileFilter(filters);
    let localPart: LocalListPart | undefined;
    let localStamp: string | undefined;
    const gathered = await this.router.gatherList<LocalListPart>(req, {
      what: 'conversations',
      path: CONVERSATIONS_LIST_LOCAL_PATH,
      // Each replica resolves the same window from the client's cursor and page size.
      body: { filters, cursor: body.cursor ?? null, page_size: window.pageSize },
      partitions,
      local: async () => {
        localStamp = this.conversations.partStamp();
        return (localPart = await this.conversations.listLocal(filters, window));
      },
      isPart: isLocalListPart,
      // Parts depend on the request only (not on the caller): reused per request while the peer's stamp holds.
      ...(key === undefined ? {} : { reuseKey: key, stampWatch: { path: CONVERSATIONS_LIST_STAMP_PATH, authorization: this.settings.peerAuthorization } }),
    });
    if (!gathered.ok) throw new UnavailableError(messageOf(gathered.answer.body));
    // Several replicas: the page is reused while every part's stamp (this replica's included) is unchanged.
    // (This replica's stamp is the one read before its part was built, and only while it still holds.)
    const partsStamp = key === undefined || stamp !== undefined || localStamp !== this.conversations.partStamp() ? undefined : stampOf(gathered.parts, localPart, localStamp);
    const reused = partsStamp === undefined ? undefined : this.pages.get(key!, partsStamp);
    if (reused !== undefined) return reused;
    const page = mergePartialResults(gathered.parts, compareListed, listedKey, window);
    const answer = { data: page.data.map((item) => item.payload), pagination_data: page.pagination_data };
    if (partsStamp !== undefined) return this.pages.put(key!, partsStamp, answer);
    return key !== undefined && stamp !== undefined && stamp === this.conversations.listStamp(partitions) ? this.pages.put(key, stamp, answer) : answer;
  }
}

/** The stamps of every part of a gathered page, this replica's being `localStamp`; undefined when one of them has none. */
function stampOf(parts: readonly LocalListPart[], localPart: LocalListPart | undefined, localStamp: string | undefined): string | undefined {
  if (localPart === undefined || localStamp === undefined) return undefined;
  const stamps: string[] = [];
  for (const part of parts) {
    const stamp = part === localPart ? localStamp : part.stamp;
    if (stamp === undefined) return undefined;
    stamps.push(stamp);
  }
  return `parts:${stamps.sort().join('|')}`;
}

function isLocalListPart(body: unknown): body is LocalListPart {
  const part = body as Partial<LocalListPart> | null;
  return (
    typeof part === 'object' &&
    part !== null &&
    Array.isArray(part.items) &&
    typeof part.total === 'number' &&
    typeof part.before === 'number' &&
    typeof part.after === 'number' &&
    Array.isArray(part.partitions)
  );
}

function messageOf(body: { readonly json: unknown } | { readonly text: string }): string {
  const message = 'json' in body ? (body.json as { message?: unknown } | null)?.message : undefined;
  return typeof message === 'string' ? message : 'conversations: not every replica could answer; retry later';
}
