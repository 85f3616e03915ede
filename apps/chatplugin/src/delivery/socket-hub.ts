import { messagePayload, type MessagePayload } from '@platform/chat-domain';
import type { Message } from '@platform/schemas';
import type { VisitorIdentity } from '../visitor/visitor-tokens';

/** What the hub needs of a visitor's websocket. */
export interface VisitorConnection {
  /** Sends one message body (a JSON VisitorFrame) to the visitor's subscription; throws when the socket cannot take it. */
  send(body: string): void;
  /** Closes the socket (websocket close code and reason). */
  close?(code: number, reason: string): void;
}

/** The body of one MESSAGE to the visitor: Airy's `/user/queue/message` payload. */
export interface VisitorFrame {
  readonly channel_id: string;
  readonly conversation_id: string;
  readonly message: MessagePayload;
}

/** A visitor socket subscribed to its queue, and what it was already sent (message id → version). */
export class VisitorSession {
  private readonly sent = new Map<string, number>();

  constructor(
    readonly identity: VisitorIdentity,
    private readonly connection: VisitorConnection,
  ) {}

  /**
   * Sends a message of this visitor's conversation unless this socket already got this version of it
   * (same id, same or newer `updatedAt`). Returns whether it was sent.
   */
  push(message: Message): boolean {
    if (message.conversationId !== this.identity.conversationId) return false;
    const version = message.updatedAt ?? 0;
    const previous = this.sent.get(message.id);
    if (previous !== undefined && previous >= version) return false;
    const frame: VisitorFrame = { channel_id: message.channelId, conversation_id: message.conversationId, message: messagePayload(message) };
    try {
      this.connection.send(JSON.stringify(frame));
    } catch {
      return false;
    }
    this.sent.set(message.id, version);
    return true;
  }

  close(code: number, reason: string): void {
    this.connection.close?.(code, reason);
  }
}

/** The visitor sockets this instance holds, by conversation. */
export class SocketHub {
  private readonly sessions = new Map<string, Set<VisitorSession>>();

  add(session: VisitorSession): void {
    const id = session.identity.conversationId;
    let set = this.sessions.get(id);
    if (!set) this.sessions.set(id, (set = new Set()));
    set.add(session);
  }

  remove(session: VisitorSession): void {
    const id = session.identity.conversationId;
    const set = this.sessions.get(id);
    if (!set) return;
    set.delete(session);
    if (set.size === 0) this.sessions.delete(id);
  }

  has(conversationId: string): boolean {
    return this.sessions.has(conversationId);
  }

  get size(): number {
    let count = 0;
    for (const set of this.sessions.values()) count += set.size;
    return count;
  }

  /** Closes every socket of a channel (it was disconnected: its visitors are refused from now on). */
  closeChannel(channelId: string, code: number, reason: string): number {
    let closed = 0;
    for (const set of this.sessions.values()) {
      for (const session of set) {
        if (session.identity.channelId !== channelId) continue;
        session.close(code, reason);
        closed++;
      }
    }
    return closed;
  }

  /** Pushes to every socket of the message's conversation; returns how many sockets were sent it now. */
  push(message: Message): number {
    let sent = 0;
    for (const session of this.sessions.get(message.conversationId) ?? []) if (session.push(message)) sent++;
    return sent;
  }
}
