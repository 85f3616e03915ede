import { Inject, Injectable } from '@nestjs/common';
import { compileFilter, mergePartialResults, resolvePageRequest, type RequestBody } from '@platform/chat-domain';
import { QueryRouter, type HttpRequest } from '@platform/nest-streams';
import { UnavailableError } from '../errors';
import { RenderedPages } from './rendered-pages';
import { COMMUNICATION_SETTINGS, type CommunicationSettings } from '../http/settings';
import { compareListed, ConversationsService, listedKey, type LocalListPart } from './conversations.service';

/** Internal route answering one replica's part of conversations.list (protected like the public API). */
export const CONVERSATIONS_LIST_LOCAL_PATH = '/internal/conversations.list-local';

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
    const key = stamp === undefined ? undefined : RenderedPages.key(filters, body.cursor, window.pageSize);
    const cached = key === undefined ? undefined : this.pages.get(key, stamp!);
    if (cached !== undefined) return cached;
    compileFilter(filters);
    const gathered = await this.router.gatherList<LocalListPart>(req, {
      what: 'conversations',
      path: CONVERSATIONS_LIST_LOCAL_PATH,
      // Each replica resolves the same window from the client's cursor and page size.
      body: { filters, cursor: body.cursor ?? null, page_size: window.pageSize },
      partitions,
      local: () => this.conversations.listLocal(filters, window),
      isPart: isLocalListPart,
    });
    if (!gathered.ok) throw new UnavailableError(messageOf(gathered.answer.body));
    const page = mergePartialResults(gathered.parts, compareListed, listedKey, window);
    const answer = { data: page.data.map((item) => item.payload), pagination_data: page.pagination_data };
    return key !== undefined && stamp === this.conversations.listStamp(partitions) ? this.pages.put(key, stamp!, answer) : answer;
  }
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
