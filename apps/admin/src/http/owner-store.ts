import { QueryRouter, failureAnswer, type HttpAnswer, type HttpRequest } from '@platform/nest-streams';
import { WriteError, type WritePosition } from '@platform/chat-streams';
import { RetryLaterException } from '@platform/nest-platform';
import { parseTaskId, type QueryPosition, type StreamsApplication, type TopologySpec } from '@platform/streams';
import { AdminError } from '../errors';
import { json } from './answers';

export interface OwnerStoreOptions {
  readonly retryAfterSeconds: number;
  /** How long a write waits for its own store to apply it. */
  readonly writeTimeoutMs: number;
}

/** The outcome of reading a key on its owner: the value, absent, or an answer to send (503). */
export type OwnedValue<V> = { readonly kind: 'value'; readonly value: V } | { readonly kind: 'absent' } | { readonly kind: 'answer'; readonly answer: HttpAnswer };

/**
 * Key-owned reads and writes on one store of the admin application. Writes run on the owner of
 * their key (`run`), read the current entity there (`current`), and wait until the store has
 * applied their own record (`applied`), so the answer is the resulting entity and any replica
 * sees it right after. Lists of single-partition stores run on their one owner (`runOnListOwner`).
 */
export class OwnerStore {
  /** Source topics of the store's subtopology and its task ids (one per partition). */
  private readonly sourceTopics: readonly string[];
  private readonly subtopology: number;

  constructor(
    private readonly app: StreamsApplication,
    private readonly router: QueryRouter,
    topology: TopologySpec,
    readonly store: string,
    private readonly options: OwnerStoreOptions,
  ) {
    const sub = topology.subtopologies.find((s) => s.stores.includes(store));
    if (!sub) throw new AdminError(`store ${store} is not in the topology`);
    this.subtopology = sub.id;
    this.sourceTopics = sub.sourceTopics.map((t) => t.name);
  }

  /** Runs `handler` on the owner of `key` (`QueryRouter.runOnOwner`): its answer, or the owner's (or 503). */
  async run(req: HttpRequest, key: string, handler: () => Promise<HttpAnswer>): Promise<HttpAnswer> {
    const outcome = await this.router.runOnOwner(req, this.store, key, handler);
    return outcome.kind === 'here' ? outcome.value : outcome.answer;
  }

  /**
   * Runs a ChatWriter write; a failed write (broker unreachable, no leader, registry down) is a
   * 503 with `Retry-After`, since nothing was applied and the client can send it again.
   */
  async write(produce: () => Promise<WritePosition>): Promise<WritePosition> {
    try {
      return await produce();
    } catch (error) {
      if (error instanceof WriteError) throw new RetryLaterException(`the write to ${error.topic} failed; retry later`, this.options.retryAfterSeconds);
      throw error;
    }
  }

  /** The key's current value on this replica, which must own it (call inside `run`). */
  async current<V>(key: string): Promise<OwnedValue<V>> {
    const result = await this.app.query<V, string>(this.store, key);
    if (result.ok) return { kind: 'value', value: result.value };
    if (result.reason === 'NOT_FOUND') return { kind: 'absent' };
    return { kind: 'answer', answer: failureAnswer(result, this.options.retryAfterSeconds) };
  }

  /** The key's value once this replica's store has applied `position` (a write of this key). */
  async applied<V>(key: string, position: QueryPosition): Promise<OwnedValue<V>> {
    const result = await this.app.query<V, string>(this.store, key, { position, timeoutMs: this.options.writeTimeoutMs });
    if (result.ok) return { kind: 'value', value: result.value };
    if (result.reason === 'NOT_FOUND') return { kind: 'absent' };
    return { kind: 'answer', answer: failureAnswer(result, this.options.retryAfterSeconds) };
  }

  /**
   * For a store of a single-partition topic: runs `list` on the one replica that holds it, with
   * every entry, after honouring a read-your-writes position header about this store's topic.
   * 503 while the store restores or the group rebalances.
   */
  async runOnListOwner<V>(req: HttpRequest, list: (values: V[]) => HttpAnswer): Promise<HttpAnswer> {
    return this.run(req, this.store, async () => {
      // Checked before anything waits on it: malformed or not a partition this application reads → 400.
      const read = this.router.readPosition(req);
      if ('answer' in read) return read.answer;
      const { position } = read;
      if (position && this.sourceTopics.includes(position.topic)) {
        const waited = await this.app.query(this.store, this.store, { position, timeoutMs: this.options.writeTimeoutMs });
        if (!waited.ok && waited.reason !== 'NOT_FOUND') return failureAnswer(waited, this.options.retryAfterSeconds);
      }
      const local = this.localValues<V>();
      return 'answer' in local ? local.answer : list(local.values);
    });
  }

  /**
   * Every value of the store held by this replica, with the tasks they come from; 503 when a task
   * of this store is restoring here or the application is not running.
   */
  localValues<V>(): { values: V[]; partitions: readonly number[] } | { answer: HttpAnswer } {
    const result = this.app.queryAll<string, V>(this.store);
    if (!result.ok) return { answer: failureAnswer(result, this.options.retryAfterSeconds) };
    const restoring = result.restoring.find((r) => this.ownsTask(r.taskId));
    if (restoring) return { answer: failureAnswer({ ok: false, reason: 'RESTORING', progress: restoring }, this.options.retryAfterSeconds) };
    return { values: result.entries.map((e) => e.value), partitions: result.partitions };
  }


  unavailable(message: string): HttpAnswer {
    return json(503, { message }, { 'Retry-After': String(this.options.retryAfterSeconds) });
  }

  private ownsTask(taskId: string): boolean {
    return parseTaskId(taskId).subtopology === this.subtopology;
  }
}
