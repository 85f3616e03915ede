import { matchConversationsCooperatively, type ConversationPayload, type ConversationState, type ConversationView } from '@platform/chat-domain';

/** How many filters keep their sorted matches cached (each entry holds one array of references). */
export const cachedFilterCount = 8;

interface SortedMatches {
  readonly version: number;
  readonly views: readonly ConversationView[];
}

interface RenderedPayload {
  readonly epoch: number;
  readonly payload: ConversationPayload;
}

/**
 * The read views of this replica's conversations, in memory, so `conversations.list` neither reads
 * nor decodes every stored state per request. The processors report each conversation state they
 * store (`update`); whenever the set of local tasks or their contents change behind the processors'
 * back — a task opened, closed or restored, a rebalance, a tag deleted (views drop deleted tags) — the
 * index is invalidated and rebuilt from the store on the next list. Single-threaded like the
 * processors: both run on the event loop, and a rebuild is one synchronous scan.
 *
 * Two caches make a list of an unchanged set cost its page, not the whole set (profiled: sorting every
 * view and rendering each page's payloads from three stores were most of a list's time):
 * - the sorted matches of the last few filters, valid while `version` (bumped by every change to the
 *   set) is unchanged;
 * - each view's rendered payload, valid while the view object is current (a stored state makes a new
 *   view) and `renderEpoch` is unchanged: payloads also show the channel, its metadata and the last
 *   message's metadata, so any change to those bumps the epoch (`renderedInputsChanged`).
 */
export class ConversationIndex {
  private readonly views = new Map<string, ConversationView>();
  private valid = false;
  private version = 0;
  private renderEpoch = 0;
  private readonly sorted = new Map<string, SortedMatches>();
  private readonly payloads = new WeakMap<ConversationView, RenderedPayload>();
  private readonly listeners: (() => void)[] = [];

  constructor(private readonly toView: (state: ConversationState) => ConversationView | null) {}

  /**
   * Identifies what the index shows: while it is unchanged, so are every list and every payload
   * rendered from it (both caches above depend on exactly these counters). Undefined while invalid.
   */
  stamp(): string | undefined {
    return this.valid ? `${this.version}:${this.renderEpoch}` : undefined;
  }

  /** Calls `listener` after every change of `stamp()` (the stamp-watch feed of other replicas). */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** A processor stored `state`. Ignored while invalid (the rebuild will read it from the store). */
  update(state: ConversationState): void {
    if (!this.valid) return;
    this.version++;
    const view = this.toView(state);
    if (view) this.views.set(state.id, view);
    else this.views.delete(state.id);
    this.changed();
  }

  /** A channel, channel metadata or message metadata changed: rendered payloads may show it. */
  renderedInputsChanged(): void {
    this.renderEpoch++;
    this.changed();
  }

  invalidate(): void {
    this.valid = false;
    this.version++;
    this.renderEpoch++;
    this.views.clear();
    this.sorted.clear();
    this.changed();
  }

  /** The views of every local conversation with a message; rebuilt from `load` when invalid (load may throw, e.g. while restoring). */
  all(load: () => Iterable<ConversationState>): Iterable<ConversationView> {
    if (!this.valid) {
      const rebuilt = new Map<string, ConversationView>();
      for (const state of load()) {
        const view = this.toView(state);
        if (view) rebuilt.set(state.id, view);
      }
      for (const [id, view] of rebuilt) this.views.set(id, view);
      this.valid = true;
      this.version++;
      this.changed();
    }
    return this.views.values();
  }

  /** The views matching `filters`, in list order: cached per filter while the set is unchanged. */
  async matching(filters: string, load: () => Iterable<ConversationState>): Promise<readonly ConversationView[]> {
    const all = this.all(load);
    const version = this.version;
    const cached = this.sorted.get(filters);
    if (cached?.version === version) return cached.views;
    const matches = await matchConversationsCooperatively([...all], filters);
    // A change while matching yielded makes this result stale for the next caller (not for this one).
    if (this.version === version) this.remember(filters, { version, views: matches });
    return matches;
  }

  /** `view`'s payload, rendered once per view and render epoch. */
  payload(view: ConversationView, render: (view: ConversationView) => ConversationPayload): ConversationPayload {
    const cached = this.payloads.get(view);
    if (cached?.epoch === this.renderEpoch) return cached.payload;
    const payload = render(view);
    this.payloads.set(view, { epoch: this.renderEpoch, payload });
    return payload;
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }

  private remember(filters: string, matches: SortedMatches): void {
    this.sorted.delete(filters);
    this.sorted.set(filters, matches);
    if (this.sorted.size > cachedFilterCount) this.sorted.delete(this.sorted.keys().next().value as string);
  }
}
