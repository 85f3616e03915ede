import { compareConversations, type ConversationView } from './conversation-view';
import type { FilterNode } from './filter/ast';
import { compileFilter } from './filter/evaluator';
import { paginate, type Page, type PageRequest, type PaginationOptions } from './pagination';

export interface ConversationListRequest extends PageRequest {
  /** Filter query (§2.2) or a parsed AST; empty/absent lists everything. */
  filters?: string | FilterNode | null;
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
  return paginate(matching, request, options);
}
