import { compareMessagesNewestFirst } from '@platform/chat-domain';
import { FORWARDED_HEADER } from '@platform/nest-streams';
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
  constructor(
    private readonly app: StreamsApplication,
    private readonly options: HistoryReaderOptions,
  ) {}

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
    let response: Response;
    try {
      response = await fetch(`http://${endpoint}${HISTORY_LOCAL_PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: this.options.authorization, [FORWARDED_HEADER]: this.app.metadata()?.endpoint ?? 'unknown' },
        body: JSON.stringify({ conversation_id: conversationId }),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
      });
    } catch (error) {
      throw new HistoryUnavailableError(`the owner of the conversation history is unreachable (${errorName(error)}); retry later`);
    }
    if (response.status !== 200) throw new HistoryUnavailableError(`the owner of the conversation history answered ${response.status}; retry later`);
    const body = (await response.json().catch(() => ({}))) as { messages?: Message[] };
    if (!Array.isArray(body.messages)) throw new HistoryUnavailableError('the owner of the conversation history answered without messages; retry later');
    return body.messages;
  }
}

/** The kind of a transport failure (`TimeoutError`, `TypeError`…), never its text: that names addresses. */
function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'error';
}
