import { compareMessagesNewestFirst } from '@platform/chat-domain';
import { PeerClient } from '@platform/nest-streams';
import type { Message } from '@platform/schemas';
import type { StreamsApplication } from '@platform/streams';
import { HistoryUnavailableError } from '../errors';
import { HISTORY_STORE, historyRange, isHistoryKeyOf } from '../streams/history-keys';

/** Path of the internal route answering the local part of a history read. */
export const HISTORY_LOCAL_PATH = '/internal/chatplugin.history-local';

export interface HistoryReaderOptions {
  /** Authorization header value for calls to other instances (the system token). */
  readonly authorization: string;
  readonly timeoutMs?: number;
}

/**
 * A conversation's chat plugin messages, oldest first, from the `chatplugin-messages` store of the
 * instance that runs the task of the conversation's partition: read here when that is this instance,
 * else through the owner's internal route. Throws HistoryUnavailableError (503) whenever the store of
 * that partition cannot answer now: owner unknown, rebalancing, restoring, unreachable, or the task
 * assigned but not running (reopening after an aborted transaction, isolated after failures). Never
 * answers a partial or empty history in place of one it could not read. Messages name no address.
 */
export class HistoryReader {
  private readonly peers: PeerClient;

  constructor(
    private readonly app: StreamsApplication,
    private readonly options: HistoryReaderOptions,
  ) {
    this.peers = new PeerClient(() => app.metadata()?.endpoint, options.timeoutMs ?? 5000);
  }

  async read(conversationId: string): Promise<Message[]> {
    const owner = this.app.metadataForKey(HISTORY_STORE, conversationId);
    if (owner?.local) return this.readLocal(conversationId);
    if (!owner?.endpoint) throw new HistoryUnavailableError('the conversation history is being rebalanced; retry later');
    // Assigned here but its task is not open (reopening, isolated): asking ourselves would not help.
    if (owner.endpoint === this.app.metadata()?.endpoint) throw new HistoryUnavailableError('the conversation history cannot be read now; retry later');
    return this.readRemote(owner.endpoint, conversationId);
  }

  /** The history when this instance owns the conversation; throws HistoryUnavailableError otherwise. */
  readLocal(conversationId: string): Message[] {
    const owner = this.app.metadataForKey(HISTORY_STORE, conversationId);
    if (!owner?.local) throw new HistoryUnavailableError('this instance does not hold the conversation history; retry later');
    const { from, to } = historyRange(conversationId);
    const result = this.app.queryRange<string, Message>(HISTORY_STORE, from, to);
    if (!result.ok) throw new HistoryUnavailableError(`the conversation history is not available (${String(result.reason).toLowerCase()}); retry later`);
    if (result.restoring.some((r) => r.taskId === owner.taskId)) throw new HistoryUnavailableError('the conversation history is restoring; retry later');
    // The store of the conversation's partition must have answered: a task that is assigned but not
    // running would otherwise read as an empty history.
    if (!result.partitions.includes(owner.partition)) throw new HistoryUnavailableError('the conversation history cannot be read now; retry later');
    return result.entries
      .filter((e) => isHistoryKeyOf(e.key, conversationId))
      .map((e) => e.value)
      .sort((a, b) => compareMessagesNewestFirst(b, a));
  }

  private async readRemote(endpoint: string, conversationId: string): Promise<Message[]> {
    const reply = await this.peers.post<{ messages?: unknown }>(endpoint, HISTORY_LOCAL_PATH, { conversation_id: conversationId }, { authorization: this.options.authorization });
    if (!reply.ok) {
      const why = reply.status === undefined ? reply.reason : `answered ${reply.status}`;
      throw new HistoryUnavailableError(`the owner of the conversation history ${why}; retry later`);
    }
    if (!Array.isArray(reply.body.messages)) throw new HistoryUnavailableError('the owner of the conversation history answered without messages; retry later');
    return reply.body.messages as Message[];
  }
}
