import type { ApiClient } from './api';

/** One request of the load: when it started and ended, and its status (undefined: no HTTP answer at all). */
export interface LoadRequest {
  readonly endpoint: string;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly status: number | undefined;
  /** The connection error or timeout, or the body of a non-2xx answer. */
  readonly problem?: string;
}

/**
 * A small chat load through the gateway: `workers` concurrent clients, each round sending a message to one
 * of the conversations (round robin) and reading `conversations.list` and that conversation's `messages.list`.
 * Every answer is kept with its time and status, every connection error too; every acknowledged message id
 * is kept per conversation, for the check that nothing written is lost.
 */
export class ChatLoad {
  readonly requests: LoadRequest[] = [];
  /** conversation id → ids of the messages `messages.send` acknowledged (2xx with an id). */
  readonly acknowledged = new Map<string, Set<string>>();
  /**
   * Reads of a worker's own conversation that missed a message the worker had sent there and got acknowledged,
   * although the read carried that write's `x-streams-position` (the platform's read-your-writes contract).
   */
  readonly staleReads: { readonly at: number; readonly missing: number }[] = [];
  private running = false;
  private loops: Promise<void>[] = [];

  constructor(
    private readonly agent: ApiClient,
    private readonly conversations: readonly string[],
    private readonly workers = 4,
    private readonly pauseMs = 100,
  ) {
    for (const id of conversations) this.acknowledged.set(id, new Set());
  }

  /** Sends one message outside the load (e.g. the history before it), counted as the load's requests are. */
  async send(conversationId: string, text: string): Promise<void> {
    await this.call('messages.send', { conversation_id: conversationId, message: { text } }, (body) => this.acknowledge(conversationId, body));
  }

  start(): void {
    this.running = true;
    this.loops = Array.from({ length: this.workers }, (_, worker) => this.worker(worker));
  }

  /** Stops after the rounds in flight. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  /** Requests that failed: a 5xx or any other non-2xx, or no answer (connection error, timeout). */
  failures(): LoadRequest[] {
    return this.requests.filter((r) => r.status === undefined || r.status < 200 || r.status > 299);
  }

  /** Counts of the requests overlapping [from, to]: total, by status ("error" for no answer), by endpoint. */
  counts(from = 0, to = Number.POSITIVE_INFINITY): { total: number; byStatus: Record<string, number>; byEndpoint: Record<string, number> } {
    const byStatus: Record<string, number> = {};
    const byEndpoint: Record<string, number> = {};
    let total = 0;
    for (const r of this.requests) {
      if (r.endedAt < from || r.startedAt > to) continue;
      total++;
      const status = r.status === undefined ? 'error' : String(r.status);
      byStatus[status] = (byStatus[status] ?? 0) + 1;
      byEndpoint[r.endpoint] = (byEndpoint[r.endpoint] ?? 0) + 1;
    }
    return { total, byStatus, byEndpoint };
  }

  private async worker(worker: number): Promise<void> {
    const mine = new Set<string>();
    for (let round = 0; this.running; round++) {
      const conversationId = this.conversations[(worker + round * this.workers) % this.conversations.length] as string;
      let position: string | undefined;
      await this.call('messages.send', { conversation_id: conversationId, message: { text: `load w${worker} r${round}` } }, (body, headers) => {
        const id = this.acknowledge(conversationId, body);
        if (id) mine.add(id);
        position = headers.get('x-streams-position') ?? undefined;
      });
      await this.call('conversations.list', { page_size: 50 });
      // with the position of the write just acknowledged: the read must include it (and everything before it on that partition)
      const headers: Record<string, string> = position ? { 'x-streams-position': position } : {};
      await this.call('messages.list', { conversation_id: conversationId, page_size: 1000 }, (body) => {
        const listed = new Set(((body as { data?: { id: string }[] }).data ?? []).map((m) => m.id));
        const missing = [...(this.acknowledged.get(conversationId) ?? [])].filter((id) => mine.has(id) && !listed.has(id)).length;
        if (missing > 0) this.staleReads.push({ at: Date.now(), missing });
      }, headers);
      await new Promise((resolve) => setTimeout(resolve, this.pauseMs));
    }
  }

  private acknowledge(conversationId: string, body: unknown): string | undefined {
    const id = (body as { id?: unknown }).id;
    if (typeof id !== 'string') return undefined;
    this.acknowledged.get(conversationId)?.add(id);
    return id;
  }

  private async call(endpoint: string, body: unknown, onOk?: (body: unknown, headers: Headers) => void, headers: Record<string, string> = {}): Promise<void> {
    const startedAt = Date.now();
    try {
      const answer = await this.agent.post(endpoint, body, headers);
      const ok = answer.status >= 200 && answer.status <= 299;
      this.requests.push({ endpoint, startedAt, endedAt: Date.now(), status: answer.status, ...(ok ? {} : { problem: JSON.stringify(answer.body).slice(0, 300) }) });
      if (ok) onOk?.(answer.body, answer.headers);
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      this.requests.push({ endpoint, startedAt, endedAt: Date.now(), status: undefined, problem: `${(error as Error).message}${cause ? ` (${cause.code ?? cause.message})` : ''}` });
    }
  }
}
