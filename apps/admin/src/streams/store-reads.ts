import { ConflictException } from '@nestjs/common';
import { WriteError, type WritePosition } from '@platform/chat-streams';
import { RetryLaterException } from '@platform/nest-platform';
import { parseTaskId, type QueryFailure, type QueryPosition, type StreamsApplication, type TopologySpec } from '@platform/streams';
import { AdminError } from '../errors';

export interface StoreReadsOptions {
  readonly retryAfterSeconds: number;
  /** How long a write waits for its own store to apply it. */
  readonly writeTimeoutMs: number;
}

/** A write's result: the entity as the store has it afterwards, and where the write landed. */
export interface Written<T> {
  readonly value: T;
  readonly position: WritePosition;
}

/**
 * Reads and writes of one store of the admin application on the replica that owns the key (the
 * controllers route there through `QueryRouter.runOnOwner`): the current value, a write, the value
 * once the store applied that write. Nothing here knows HTTP: what cannot be answered now is a
 * RetryLaterException (503 + Retry-After, mapped by the platform's exception filter).
 */
export class StoreReads {
  /** Source topics of the store's subtopology. */
  private readonly sourceTopics: readonly string[];
  private readonly subtopology: number;

  constructor(
    private readonly app: StreamsApplication,
    topology: TopologySpec,
    readonly store: string,
    private readonly options: StoreReadsOptions,
  ) {
    const sub = topology.subtopologies.find((s) => s.stores.includes(store));
    if (!sub) throw new AdminError(`store ${store} is not in the topology`);
    this.subtopology = sub.id;
    this.sourceTopics = sub.sourceTopics.map((t) => t.name);
  }

  /** A ChatWriter write; a failed write (broker unreachable, no leader, registry down) is 503: nothing was applied. */
  async write(produce: () => Promise<WritePosition>): Promise<WritePosition> {
    try {
      return await produce();
    } catch (error) {
      if (error instanceof WriteError) throw new RetryLaterException(`the write to ${error.topic} failed; retry later`, this.options.retryAfterSeconds);
      throw error;
    }
  }

  /** The key's current value here (undefined when absent). */
  async current<V>(key: string): Promise<V | undefined> {
    return this.valueOf(await this.app.query<V, string>(this.store, key));
  }

  /** The key's value once this replica's store has applied `position` (a write of this key). */
  async applied<V>(key: string, position: QueryPosition): Promise<V | undefined> {
    return this.valueOf(await this.app.query<V, string>(this.store, key, { position, timeoutMs: this.options.writeTimeoutMs }));
  }

  /** `write`, then the value applied: ConflictException (409) when the key was deleted in between. */
  async writeAndRead<V>(key: string, produce: () => Promise<WritePosition>, what: string): Promise<Written<V>> {
    const position = await this.write(produce);
    const value = await this.applied<V>(key, position);
    if (value === undefined) throw new ConflictException(`${what} ${key} was deleted concurrently`);
    return { value, position };
  }

  /**
   * Every value of the store held here (a store of a single-partition topic: the whole store), after
   * waiting for a read-your-writes position about this store's topic; with the partitions answered.
   */
  async allValues<V>(position?: QueryPosition): Promise<{ values: V[]; partitions: readonly number[] }> {
    if (position && this.sourceTopics.includes(position.topic)) {
      const waited = await this.app.query(this.store, this.store, { position, timeoutMs: this.options.writeTimeoutMs });
      if (!waited.ok && waited.reason !== 'NOT_FOUND') throw this.unavailable(waited);
    }
    return this.localValues<V>();
  }

  /** Every value of the store held by this replica; 503 while a task of this store restores here or the app is not running. */
  localValues<V>(): { values: V[]; partitions: readonly number[] } {
    const result = this.app.queryAll<string, V>(this.store);
    if (!result.ok) throw this.unavailable(result);
    const restoring = result.restoring.find((r) => parseTaskId(r.taskId).subtopology === this.subtopology);
    if (restoring) throw this.unavailable({ ok: false, reason: 'RESTORING', progress: restoring });
    return { values: result.entries.map((e) => e.value), partitions: result.partitions };
  }

  private valueOf<V>(result: { ok: true; value: V } | QueryFailure): V | undefined {
    if (result.ok) return result.value;
    if (result.reason === 'NOT_FOUND') return undefined;
    throw this.unavailable(result);
  }

  private unavailable(failure: QueryFailure): RetryLaterException {
    const reason: string = failure.reason;
    const what = reason === 'RESTORING' ? 'the store is restoring' : reason === 'REBALANCING' ? 'the streams application is rebalancing' : `the store cannot answer now (${reason.toLowerCase()})`;
    return new RetryLaterException(`${what}; retry later`, this.options.retryAfterSeconds);
  }
}
