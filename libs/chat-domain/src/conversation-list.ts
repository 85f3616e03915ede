import { compareConversations, type ConversationView } from './conversation-view';
import type { FilterNode } from './filter/ast';
import { compileFilter } from './filter/evaluator';
import { paginate, type Page, type PageRequest, type PaginationOptions, type SortKey } from './pagination';

export interface ConversationListRequest extends PageRequest {
  /** Filter query (§2.2) or a parsed AST; empty/absent lists everything. */
  filters?: string | FilterNode | null;
}

/** A conversation's position in list order: last message time (newest first), then id. */
export function conversationSortKey(view: Pick<ConversationView, 'id' | 'lastMessageAt'>): SortKey {
  return [view.lastMessageAt, view.id];
}

/**
 * `conversations.list` over views a store yields: filter, sort by last message time desc then
 * id, cut one page. Throws FilterSyntaxError / InvalidCursorError / InvalidPageSizeError
 * (all 400). Parses the filter before touching the views, so bad input fails fast.
 */
export function listConversations(views: Iterable<ConversationView>, request: ConversationListRequest, options: PaginationOptions = {}): Page<ConversationView> {
  const predicate = compileFilter(request.filters ?? '');
  const matching: ConversationView[] = [];
  for (const view of views) if (predicate(view)) matching.push(view);
  matching.sort(compareConversations);
  return paginate(matching, conversationSortKey, request, options);
}

/** Longest stretch the cooperative list evaluates filters before it lets the event loop run. */
export const listSliceMs = 4;
/** Views evaluated between two clock reads. */
const SLICE_CHECK_EVERY = 64;

/**
 * `listConversations` for servers: the same answer, but the filter is evaluated in slices of at most
 * about `listSliceMs`, yielding to the event loop between them, so a costly filter over many
 * conversations delays other requests and health checks by milliseconds, never by the whole scan.
 */
export async function listConversationsCooperatively(
  views: readonly ConversationView[],
  request: ConversationListRequest,
  options: PaginationOptions = {},
): Promise<Page<ConversationView>> {
  return paginate(await matchConversationsCooperatively(views, request.filters), conversationSortKey, request, options);
}

/** The views matching `filters`, in list order, evaluated cooperatively (see listConversationsCooperatively). */
export async function matchConversationsCooperatively(views: readonly ConversationView[], filters: string | FilterNode | null | undefined): Promise<ConversationView[]> {
  const predicate = compileFilter(filters ?? '');
  const matching: ConversationView[] = [];
  let sliceStart = performance.now();
  for (let i = 0; i < views.length; i++) {
    const view = views[i]!;
    if (predicate(view)) matching.push(view);
    if (i % SLICE_CHECK_EVERY === SLICE_CHECK_EVERY - 1 && performance.now() - sliceStart >= listSliceMs) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
  matching.sort(compareConversations);
  return matching;
}
