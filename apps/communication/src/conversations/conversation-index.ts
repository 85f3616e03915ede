import type { ConversationState, ConversationView } from '@platform/chat-domain';

/**
 * The read views of this replica's conversations, in memory, so `conversations.list` neither reads
 * nor decodes every stored state per request. The processors report each conversation state they
 * store (`update`); whenever the set of local tasks or their contents change behind the processors'
 * back — a task opened, closed or restored, a rebalance, a tag deleted (views drop deleted tags) — the
 * index is invalidated and rebuilt from the store on the next list. Single-threaded like the
 * processors: both run on the event loop, and a rebuild is one synchronous scan.
 */
export class ConversationIndex {
  private readonly views = new Map<string, ConversationView>();
  private valid = false;

  constructor(private readonly toView: (state: ConversationState) => ConversationView | null) {}

  /** A processor stored `state`. Ignored while invalid (the rebuild will read it from the store). */
  update(state: ConversationState): void {
    if (!this.valid) return;
    const view = this.toView(state);
    if (view) this.views.set(state.id, view);
    else this.views.delete(state.id);
  }

  invalidate(): void {
    this.valid = false;
    this.views.clear();
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
    }
    return this.views.values();
  }
}
