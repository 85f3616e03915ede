import type { ConversationState, MetadataEntries } from '@platform/chat-domain';
import type { Message } from '@platform/schemas';
import type { QueryFailure, QueryPosition, ReadOnlyKeyValueStore, StreamsApplication } from '@platform/streams';
import { NotAppliedError, UnavailableError } from '../errors';
import { CommunicationStores } from './stores';

/** Read-only views of the stores over the tasks of this instance. */
export interface LocalStores {
  readonly conversations: ReadOnlyKeyValueStore<string, ConversationState>;
  readonly messages: ReadOnlyKeyValueStore<string, Message>;
  readonly messageIndex: ReadOnlyKeyValueStore<string, string>;
  readonly messageMetadata: ReadOnlyKeyValueStore<string, MetadataEntries>;
  readonly channelMetadata: ReadOnlyKeyValueStore<string, MetadataEntries>;
}

/**
 * How services read state on the owner of a key. `get` reads one key of a store placed by
 * conversation id (or channel id), after `position` when given: the value, undefined when absent,
 * or an UnavailableError (restoring, rebalancing, owner elsewhere, position not reached in time).
 * After a successful `get`, the owner's task of that key is readable through `local`.
 */
export interface StateAccess {
  get<V>(store: string, key: string, position?: QueryPosition): Promise<V | undefined>;
  readonly local: LocalStores;
  /** Whether every task of this instance is running (not restoring or rebalancing). */
  ready(): boolean;
  /** Every conversation state of this instance's tasks; UnavailableError while one restores or the group rebalances. */
  allConversations(): Iterable<ConversationState>;
  /** Partitions of the tasks running here (the topology has one subtopology: task `0_p` reads partition p). */
  localPartitions(): number[];
}

/** StateAccess over a running StreamsApplication (interactive queries). */
export class StreamsStateAccess implements StateAccess {
  readonly local: LocalStores;

  constructor(
    private readonly app: StreamsApplication,
    private readonly positionTimeoutMs: number,
  ) {
    const s = CommunicationStores;
    this.local = {
      conversations: app.localStore(s.conversations),
      messages: app.localStore(s.messages),
      messageIndex: app.localStore(s.messageIndex),
      messageMetadata: app.localStore(s.messageMetadata),
      channelMetadata: app.localStore(s.channelMetadata),
    };
  }

  ready(): boolean {
    return this.app.state === 'RUNNING';
  }

  localPartitions(): number[] {
    return this.app.localTasks().map((task) => Number(task.slice(task.lastIndexOf('_') + 1)));
  }

  allConversations(): Iterable<ConversationState> {
    const result = this.app.queryAll<string, ConversationState>(CommunicationStores.conversations);
    if (!result.ok) throw unavailable(result);
    if (result.restoring.length > 0) throw new UnavailableError('a store of this instance is restoring; retry later');
    // A task assigned here whose store did not answer (reopening, isolated after failures) would
    // silently drop its conversations from the list.
    const answered = new Set(result.partitions);
    const missing = this.localPartitions().filter((p) => !answered.has(p));
    if (missing.length > 0) throw new UnavailableError(`the conversations of partition ${missing.join(', ')} cannot be read now; retry later`);
    return result.entries.map((entry) => entry.value);
  }

  async get<V>(store: string, key: string, position?: QueryPosition): Promise<V | undefined> {
    const result = await this.app.query<V, string>(store, key, { position, timeoutMs: this.positionTimeoutMs });
    if (result.ok) return result.value;
    if (result.reason === 'NOT_FOUND') return undefined;
    throw unavailable(result);
  }
}

/**
 * The 503 (UnavailableError, answered with `Retry-After`) for a query that cannot be answered now.
 * Every reason but `NOT_FOUND` lands here, including any the engine adds later (a task isolated
 * after repeated failures falls into `default`): never a stale or empty 200. No internal address.
 */
export function unavailable(failure: Exclude<QueryFailure, { reason: 'NOT_FOUND' }>): UnavailableError {
  const reason: string = failure.reason;
  switch (failure.reason) {
    case 'NOT_UP_TO_POSITION': {
      const { topic, partition, offset } = failure.position;
      return new NotAppliedError(`the write at ${topic}:${partition}:${String(offset)} is not applied yet; retry later`);
    }
    case 'RESTORING':
      return new UnavailableError('the store is restoring; retry later');
    case 'REBALANCING':
      return new UnavailableError('the streams application is rebalancing; retry later');
    case 'NOT_OWNER':
      return new UnavailableError('the owner of this key moved to another instance; retry later');
    case 'NOT_RUNNING':
      return new UnavailableError(`the streams application is not running (${failure.state}); retry later`);
    default:
      return new UnavailableError(`the store cannot answer now (${reason.toLowerCase()}); retry later`);
  }
}
