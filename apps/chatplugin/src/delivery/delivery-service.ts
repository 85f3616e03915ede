import { isSameOrNewerVersion, withDeliveryState } from '@platform/chat-domain';
import type { ChatWriter } from '@platform/chat-streams';
import { errorMessage, type Logger } from '@platform/common';
import type { MetricsRegistry } from '@platform/metrics';
import type { Message } from '@platform/schemas';
import { CHATPLUGIN_SOURCE } from '../streams/router';
import type { HistoryReader } from './history-reader';
import type { SocketHub, VisitorSession } from './socket-hub';

export interface DeliveryServiceOptions {
  readonly hub: SocketHub;
  readonly history: Pick<HistoryReader, 'read'>;
  readonly writer: Pick<ChatWriter, 'writeMessage'>;
  readonly logger: Logger;
  readonly now?: () => number;
  /** How many conversations' undelivered replies are remembered for a quick reconnect (default 10 000). */
  readonly recentLimit?: number;
  /** Registers `chatplugin_visitor_sockets`, `chatplugin_frames_pushed_total`, `chatplugin_replies_delivered_total`. */
  readonly metrics?: MetricsRegistry;
}

/** An agent's reply waiting for the visitor: outbound, PENDING. */
export function isUndeliveredReply(message: Message): boolean {
  return message.source === CHATPLUGIN_SOURCE && !message.isFromContact && message.deliveryState === 'PENDING';
}

/**
 * Delivers agent replies to visitors. A reply is marked DELIVERED only after it was pushed to a
 * socket of its visitor; a reply to a visitor who is not connected stays PENDING (Airy marked it
 * DELIVERED anyway) and is pushed, then marked, when the visitor connects again.
 *
 * - `onMessage`: every chat plugin message this instance's tail sees goes to the sockets of its
 *   conversation held here (visitor echoes, replies, delivery updates; FAILED ones are not shown).
 * - `onConnect`: a new socket gets the conversation's PENDING replies (from the history store, plus
 *   any seen by the tail but not yet applied by the store).
 */
export class DeliveryService {
  private readonly now: () => number;
  private readonly marking = new Set<string>();
  /** Undelivered replies the tail saw for conversations without a socket here (bounded, oldest dropped). */
  private readonly recent = new Map<string, Map<string, Message>>();
  private readonly recentLimit: number;
  private readonly pushed: { inc(by?: number): void } | undefined;
  private readonly delivered: { inc(by?: number): void } | undefined;

  constructor(private readonly options: DeliveryServiceOptions) {
    this.now = options.now ?? Date.now;
    this.recentLimit = options.recentLimit ?? 10_000;
    const { metrics, hub } = options;
    if (metrics) {
      metrics.gauge({ name: 'chatplugin_visitor_sockets', help: 'Visitor websockets connected to this instance.' }).onCollect((g) => g.set(hub.size));
      this.pushed = metrics.counter({ name: 'chatplugin_frames_pushed_total', help: 'Messages pushed to visitor websockets.' });
      this.delivered = metrics.counter({ name: 'chatplugin_replies_delivered_total', help: 'Agent replies pushed to their visitor and written DELIVERED.' });
    }
  }

  async onMessage(message: Message): Promise<void> {
    if (message.source !== CHATPLUGIN_SOURCE || message.deliveryState === 'FAILED') return;
    this.remember(message);
    const pushed = this.options.hub.push(message);
    this.pushed?.inc(pushed);
    if (pushed > 0 && isUndeliveredReply(message)) await this.markDelivered(message);
  }

  /** Pushes the conversation's undelivered replies to a socket that just connected and marks them DELIVERED. */
  async onConnect(session: VisitorSession): Promise<void> {
    const { conversationId } = session.identity;
    const history = await this.options.history.read(conversationId);
    // The newest version of each message, from the store and from what the tail saw before the store applied it.
    const latest = new Map<string, Message>();
    for (const message of [...history, ...(this.recent.get(conversationId)?.values() ?? [])]) {
      const current = latest.get(message.id);
      if (current === undefined || isSameOrNewerVersion(message, current)) latest.set(message.id, message);
    }
    const pending = [...latest.values()].filter(isUndeliveredReply);
    const ordered = pending.sort((a, b) => a.sentAt - b.sentAt || (a.id < b.id ? -1 : 1));
    for (const message of ordered) {
      if (!session.push(message)) continue;
      this.pushed?.inc();
      await this.markDelivered(message);
    }
  }

  private async markDelivered(message: Message): Promise<void> {
    const marker = `${message.id}@${message.updatedAt ?? 0}`;
    if (this.marking.has(marker)) return;
    this.marking.add(marker);
    try {
      await this.options.writer.writeMessage(withDeliveryState(message, 'DELIVERED', this.now()));
    } catch (error) {
      // The visitor has it; the record stays PENDING and is pushed (deduplicated by the client) again on its next connect.
      this.options.logger.error('could not mark a pushed reply DELIVERED', { messageId: message.id, conversationId: message.conversationId, error: errorMessage(error) });
      this.marking.delete(marker);
      return;
    }
    this.delivered?.inc();
    this.forget(message);
    // Keep the marker a little: the tail may see the same PENDING version again (another replica's write races).
    if (this.marking.size > 10_000) this.marking.clear();
  }

  private remember(message: Message): void {
    const conversation = message.conversationId;
    if (!isUndeliveredReply(message)) {
      this.forgetId(conversation, message.id);
      return;
    }
    let replies = this.recent.get(conversation);
    if (!replies) {
      if (this.recent.size >= this.recentLimit) {
        const oldest = this.recent.keys().next().value;
        if (oldest !== undefined) this.recent.delete(oldest);
      }
      this.recent.set(conversation, (replies = new Map()));
    }
    replies.set(message.id, message);
  }

  private forget(message: Message): void {
    this.forgetId(message.conversationId, message.id);
  }

  private forgetId(conversationId: string, messageId: string): void {
    const replies = this.recent.get(conversationId);
    if (!replies) return;
    replies.delete(messageId);
    if (replies.size === 0) this.recent.delete(conversationId);
  }
}
